package org.neuronexplainer.worker.score;

import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;

/**
 * The three scores of one set of tokens (docs/method.md 5.2); NaN where undefined (null on disk).
 *
 * @param evCorrelation the preferred score: Pearson correlation of real activations and EVs
 */
public record ScoreSet(double evCorrelation, double rsquared, double absoluteDevExplained) {

  /** The scores of {@code predicted} against {@code real}. */
  public static ScoreSet of(double[] real, double[] predicted) {
    return new ScoreSet(
        ScoreFormulas.correlation(real, predicted),
        ScoreFormulas.rsquared(real, predicted),
        ScoreFormulas.absoluteDevExplained(real, predicted));
  }

  /** The pooled scores stored in {@code simulation}. */
  public static ScoreSet storedIn(ScoredSimulation simulation) {
    return new ScoreSet(
        simulation.evCorrelationScore(),
        simulation.rsquaredScore(),
        simulation.absoluteDevExplainedScore());
  }

  /** The scores stored in one sequence. */
  public static ScoreSet storedIn(ScoredSequenceSimulation sequence) {
    return new ScoreSet(
        sequence.evCorrelationScore(),
        sequence.rsquaredScore(),
        sequence.absoluteDevExplainedScore());
  }

  /**
   * Whether every score is within {@code tolerance} of {@code other}'s, NaN matching only NaN.
   * Stored scores went through a decimal round trip, so exact equality is too strict.
   */
  public boolean agreesWith(ScoreSet other, double tolerance) {
    return close(evCorrelation, other.evCorrelation, tolerance)
        && close(rsquared, other.rsquared, tolerance)
        && close(absoluteDevExplained, other.absoluteDevExplained, tolerance);
  }

  private static boolean close(double a, double b, double tolerance) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    return Math.abs(a - b) <= tolerance;
  }
}
