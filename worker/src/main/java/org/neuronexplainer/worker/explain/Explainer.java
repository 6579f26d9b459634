package org.neuronexplainer.worker.explain;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.worker.llm.LlmTransport;

/**
 * Produces explanations of one neuron. Backends that call a model are {@link LlmExplainer}s; the
 * baseline needs none and ignores the transport.
 */
public interface Explainer {

  /** The explanations, one per sample; fails when the model's response cannot be parsed. */
  CompletionStage<List<Explanation>> explain(ExplainerInput input, LlmTransport llm);
}
