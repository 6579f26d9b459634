package org.neuronexplainer.common.dataset;

import java.util.List;
import java.util.Objects;

/**
 * The scored simulations of every sequence, and the scores pooled over all their tokens. The
 * preferred score is {@link #evCorrelationScore()}; NaN where undefined.
 */
public record ScoredSimulation(
    List<ScoredSequenceSimulation> scoredSequenceSimulations,
    double evCorrelationScore,
    double rsquaredScore,
    double absoluteDevExplainedScore) {

  public ScoredSimulation {
    scoredSequenceSimulations = List.copyOf(scoredSequenceSimulations);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredSimulation other
        && scoredSequenceSimulations.equals(other.scoredSequenceSimulations)
        && Floats.same(evCorrelationScore, other.evCorrelationScore)
        && Floats.same(rsquaredScore, other.rsquaredScore)
        && Floats.same(absoluteDevExplainedScore, other.absoluteDevExplainedScore);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        scoredSequenceSimulations, evCorrelationScore, rsquaredScore, absoluteDevExplainedScore);
  }
}
