package org.neuronexplainer.worker.pipeline;

import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.UsageAccumulator;
import org.neuronexplainer.worker.simulate.Simulator;

/**
 * The backends of one neuron job. They are made per job so that the explainer's and the simulator's
 * calls land in one account: the job's tokens and cost, which its event reports.
 *
 * @param account the job's LLM usage, or null when its backends call no model
 * @param written run once the job's results are written (a batch run's job forgets the batch
 *     answers whose cost it counted)
 */
public record NeuronBackends(
    Explainer explainer,
    Simulator simulator,
    LlmTransport transport,
    UsageAccumulator account,
    Runnable written) {

  public NeuronBackends(
      Explainer explainer, Simulator simulator, LlmTransport transport, UsageAccumulator account) {
    this(explainer, simulator, transport, account, () -> {});
  }
}
