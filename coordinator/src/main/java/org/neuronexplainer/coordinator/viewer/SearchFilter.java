package org.neuronexplainer.coordinator.viewer;

/**
 * Which explanations a search keeps: a layer range and a score range, both inclusive. An
 * explanation with an undefined score passes only when no score bound is set.
 */
public record SearchFilter(int minLayer, int maxLayer, double minScore, double maxScore) {

  public static final SearchFilter ALL =
      new SearchFilter(0, Integer.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

  boolean accepts(ExplanationEntry entry) {
    int layer = entry.neuron().layerIndex();
    if (layer < minLayer || layer > maxLayer) {
      return false;
    }
    double score = entry.score();
    if (Double.isNaN(score)) {
      return minScore == Double.NEGATIVE_INFINITY && maxScore == Double.POSITIVE_INFINITY;
    }
    return score >= minScore && score <= maxScore;
  }
}
