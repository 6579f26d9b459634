package org.neuronexplainer.worker.revise;

import java.util.List;
import java.util.Objects;
import org.neuronexplainer.worker.explain.ExplainerInput;

/**
 * What a reviser is given for one neuron.
 *
 * @param input what the explainer was shown (its train split's top records)
 * @param explanation the explanation being revised
 * @param missed the excerpts where the neuron fires and the explanation's scorers said it does not
 * @param falseAlarms the excerpts where the scorers said it fires and the neuron is silent
 */
public record Revision(
    ExplainerInput input,
    String explanation,
    List<Disagreement> missed,
    List<Disagreement> falseAlarms) {

  public Revision {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(explanation, "explanation");
    missed = List.copyOf(missed);
    falseAlarms = List.copyOf(falseAlarms);
  }
}
