package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.Objects;

/**
 * One simulated sequence with the real activations and the scores of the prediction against them.
 * Scores are NaN where undefined (written as null).
 *
 * @param trueActivations the real activations, not normalized
 */
public record ScoredSequenceSimulation(
    SequenceSimulation simulation,
    double[] trueActivations,
    double evCorrelationScore,
    double rsquaredScore,
    double absoluteDevExplainedScore) {

  public ScoredSequenceSimulation {
    Objects.requireNonNull(simulation, "simulation");
    trueActivations = trueActivations.clone();
    if (trueActivations.length != simulation.tokens().size()) {
      throw new IllegalArgumentException(
          "true_activations has "
              + trueActivations.length
              + " values but the simulation has "
              + simulation.tokens().size()
              + " tokens");
    }
  }

  @Override
  public double[] trueActivations() {
    return trueActivations.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredSequenceSimulation other
        && simulation.equals(other.simulation)
        && Floats.same(trueActivations, other.trueActivations)
        && Floats.same(evCorrelationScore, other.evCorrelationScore)
        && Floats.same(rsquaredScore, other.rsquaredScore)
        && Floats.same(absoluteDevExplainedScore, other.absoluteDevExplainedScore);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        simulation,
        Arrays.hashCode(trueActivations),
        evCorrelationScore,
        rsquaredScore,
        absoluteDevExplainedScore);
  }
}
