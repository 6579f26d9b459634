package org.neuronexplainer.worker.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.run.RunSpec;

/**
 * A neuron's score by scorer, for its done marker and its job's metrics: {@code simulation} is the
 * mean simulation score, each classification scorer's the mean balanced accuracy of its
 * explanations (docs/method.md 15.4). Undefined means (no defined value) are null. A run with best
 * of k and revision ({@link #ofBest}) scores a neuron by its best explanation instead.
 */
final class ScorerMeans {

  private ScorerMeans() {}

  /**
   * The scores by scorer, or null for a run without classification scorers (its marker and events
   * keep the layout they had before scorers existed).
   */
  static Map<String, Double> byScorer(Double simulation, List<ClassificationResults> classified) {
    if (classified.isEmpty()) {
      return null;
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put(RunSpec.SIMULATION, simulation);
    for (ClassificationResults one : classified) {
      scores.put(one.scorer().wireName(), meanBalancedAccuracy(one));
    }
    return scores;
  }

  /**
   * The best explanation's score by each scorer (docs/method.md 16.3), or null for a run without
   * classification scorers; every score null when no explanation is best.
   */
  static Map<String, Double> ofBest(
      ExplanationRounds rounds, List<ClassificationResults> classified) {
    if (classified.isEmpty()) {
      return null;
    }
    RoundExplanation best = rounds.bestExplanation();
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put(RunSpec.SIMULATION, best == null ? null : best.score(RunSpec.SIMULATION));
    for (ClassificationResults one : classified) {
      String scorer = one.scorer().wireName();
      scores.put(scorer, best == null ? null : best.score(scorer));
    }
    return scores;
  }

  private static Double meanBalancedAccuracy(ClassificationResults results) {
    double mean =
        results.explanations().stream()
            .map(ClassifiedExplanation::metrics)
            .map(metrics -> metrics.balancedAccuracy())
            .filter(Objects::nonNull)
            .mapToDouble(Double::doubleValue)
            .filter(d -> !Double.isNaN(d))
            .average()
            .orElse(Double.NaN);
    return Double.isNaN(mean) ? null : mean;
  }
}
