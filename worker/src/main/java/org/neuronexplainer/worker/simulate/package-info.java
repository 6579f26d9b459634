/**
 * Simulators (docs/method.md 4): each turns an explanation and a sequence's tokens into a {@link
 * org.neuronexplainer.common.dataset.SequenceSimulation} on the 0..10 scale. Model-backed ones are
 * a pure {@link org.neuronexplainer.worker.simulate.SimulationProtocol} (requests and parsing) run
 * by {@link org.neuronexplainer.worker.simulate.LlmSimulator} over an {@link
 * org.neuronexplainer.worker.llm.LlmTransport}.
 *
 * <p>Failure policy: a response that does not fit the sequence (not echoed, no token boundary at a
 * slot, no logprobs, invalid JSON, a missing or changed line, wrong length, a value outside 0..10,
 * ...) is a {@link org.neuronexplainer.worker.simulate.SimulationParseException}; it is retried a
 * bounded number of times and then fails the simulation. It is never recorded as zeros. The one
 * case the original records as 0 and this package keeps is a single position whose top logprobs
 * hold no digit "0".."10" (EV 0, empty distribution): the model put its mass elsewhere, which is an
 * observation, not a parse error. If that happens at every position of a sequence, the response is
 * a parse failure.
 */
package org.neuronexplainer.worker.simulate;
