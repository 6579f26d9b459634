package org.neuronexplainer.common.dataset;

import java.util.Objects;

/** An explanation and how well a simulation from it matched the neuron. */
public record ScoredExplanation(String explanation, ScoredSimulation scoredSimulation) {

  public ScoredExplanation {
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(scoredSimulation, "scoredSimulation");
  }

  /** The explanation's score: the pooled correlation of its simulation (NaN if undefined). */
  public double score() {
    return scoredSimulation.evCorrelationScore();
  }
}
