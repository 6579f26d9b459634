package org.neuronexplainer.worker.score;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.simulate.Simulator;

/**
 * One neuron, start to finish in process: explain it, then simulate and score every explanation
 * (docs/method.md 3-5). The simulator sends through its own transport; {@code transport} here is
 * the explainer's. The result fails if the explainer or any simulation fails, so a neuron is never
 * written with made-up scores.
 */
public final class ExplainAndScore {
  private final Explainer explainer;
  private final Simulator simulator;
  private final NeuronScorer scorer;

  public ExplainAndScore(Explainer explainer, Simulator simulator, NeuronScorer scorer) {
    this.explainer = explainer;
    this.simulator = simulator;
    this.scorer = scorer;
  }

  /** The explanations as the explainer wrote them, and the neuron's explanations file. */
  public record Outcome(List<Explanation> explanations, NeuronSimulationResults results) {}

  public CompletionStage<Outcome> run(ExplainerInput input, LlmTransport transport) {
    return explainer
        .explain(input, transport)
        .thenCompose(
            explanations ->
                scorer
                    .scoreAll(
                        input.neuron(),
                        explanations.stream().map(Explanation::text).toList(),
                        simulator)
                    .thenApply(results -> new Outcome(explanations, results)));
  }
}
