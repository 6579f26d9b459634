package org.neuronexplainer.worker.pipeline;

import org.neuronexplainer.worker.classify.Classifier;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.UsageAccumulator;
import org.neuronexplainer.worker.revise.Reviser;
import org.neuronexplainer.worker.simulate.Simulator;

/**
 * The backends of one neuron job. They are made per job so that the explainer's, the simulator's
 * and the classification scorers' calls land in one account: the job's tokens and cost, which its
 * event reports.
 *
 * @param classifier what answers the run's classification scorers (docs/method.md 15): the
 *     simulator's model over the simulator's transport, or the baseline classifier; null when the
 *     backends were made without one, and then a run whose simulator is the baseline is classified
 *     by the baseline classifier and any other run asking for a classification scorer fails
 * @param reviser what revises the explanations of a run with revision rounds (docs/method.md 16.2):
 *     the explainer's model over the explainer's transport, or the baseline reviser; null when the
 *     backends were made without one, and then a run whose explainer is the baseline is revised by
 *     the baseline reviser and any other run asking for revision fails
 * @param account the job's LLM usage, or null when its backends call no model
 * @param written run once the job's results are written (a batch run's job forgets the batch
 *     answers whose cost it counted)
 */
public record NeuronBackends(
    Explainer explainer,
    Simulator simulator,
    LlmTransport transport,
    Classifier classifier,
    Reviser reviser,
    UsageAccumulator account,
    Runnable written) {

  public NeuronBackends(
      Explainer explainer,
      Simulator simulator,
      LlmTransport transport,
      Classifier classifier,
      UsageAccumulator account,
      Runnable written) {
    this(explainer, simulator, transport, classifier, null, account, written);
  }

  public NeuronBackends(
      Explainer explainer,
      Simulator simulator,
      LlmTransport transport,
      UsageAccumulator account,
      Runnable written) {
    this(explainer, simulator, transport, null, account, written);
  }

  public NeuronBackends(
      Explainer explainer, Simulator simulator, LlmTransport transport, UsageAccumulator account) {
    this(explainer, simulator, transport, account, () -> {});
  }
}
