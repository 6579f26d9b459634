/**
 * The detection and fuzzing scorers (docs/method.md 15): a scorer model judges excerpts by the
 * explanation alone, and the explanation is scored by how often it is right.
 *
 * <p>{@link org.neuronexplainer.worker.classify.ClassifierSamples} draws a neuron's excerpts, pure
 * and seeded by the neuron's id; {@link org.neuronexplainer.worker.classify.ClassifierProtocol}
 * builds a batch's request and reads its answer strictly; {@link
 * org.neuronexplainer.worker.classify.LlmClassifier} sends the batches through an {@code
 * LlmTransport} with parse retries, and {@link
 * org.neuronexplainer.worker.classify.BaselineClassifier} answers without a model; {@link
 * org.neuronexplainer.worker.classify.ClassificationScorer} puts them together into the results of
 * {@code common.classify}. An answer that never parses fails the scorer for that neuron, with the
 * reason: it is never a score of 0.
 */
package org.neuronexplainer.worker.classify;
