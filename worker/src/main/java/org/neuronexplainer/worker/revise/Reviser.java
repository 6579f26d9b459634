package org.neuronexplainer.worker.revise;

import java.util.concurrent.CompletionStage;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.llm.LlmTransport;

/**
 * Writes one revised explanation of a neuron from its current explanation and the excerpts it got
 * wrong (docs/method.md 16.2). The model-backed one is {@link LlmReviser}; {@link BaselineReviser}
 * needs no model and ignores the transport.
 */
public interface Reviser {

  /** The revised explanation; fails when the model's answer holds none. */
  CompletionStage<Explanation> revise(Revision input, LlmTransport llm);
}
