package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Per-layer summary of a store's explanations: neurons explained, mean score, a score histogram and
 * the best and worst explained neurons. A neuron counts with its first explanation, the one the
 * viewer shows.
 */
public record ModelOverview(List<Layer> layers, int neurons, double meanScore) {

  /** Histogram bins of width 0.1 over [-1, 1]: a correlation cannot leave that range. */
  public static final int BINS = 20;

  public static final int EXTREMES = 5;

  /**
   * One layer's figures; {@code meanScore} is over the neurons with a defined score (NaN if none).
   */
  public record Layer(
      int layer,
      int neurons,
      int scored,
      double meanScore,
      int[] histogram,
      List<ExplanationEntry> best,
      List<ExplanationEntry> worst) {}

  public static ModelOverview of(List<ExplanationEntry> entries) {
    TreeMap<Integer, List<ExplanationEntry>> byLayer = new TreeMap<>();
    for (ExplanationEntry entry : entries) {
      if (entry.rank() == 0) {
        byLayer.computeIfAbsent(entry.neuron().layerIndex(), l -> new ArrayList<>()).add(entry);
      }
    }
    List<Layer> layers = new ArrayList<>();
    int neurons = 0;
    int scored = 0;
    double sum = 0;
    for (var layer : byLayer.entrySet()) {
      Layer summary = summarize(layer.getKey(), layer.getValue());
      layers.add(summary);
      neurons += summary.neurons();
      if (summary.scored() > 0) {
        scored += summary.scored();
        sum += summary.meanScore() * summary.scored();
      }
    }
    return new ModelOverview(List.copyOf(layers), neurons, scored == 0 ? Double.NaN : sum / scored);
  }

  private static Layer summarize(int layer, List<ExplanationEntry> entries) {
    int[] histogram = new int[BINS];
    List<ExplanationEntry> defined = new ArrayList<>();
    double sum = 0;
    for (ExplanationEntry entry : entries) {
      double score = entry.score();
      if (!Double.isNaN(score)) {
        defined.add(entry);
        sum += score;
        int bin = (int) Math.floor((score + 1) / 2 * BINS);
        histogram[Math.max(0, Math.min(BINS - 1, bin))]++;
      }
    }
    Comparator<ExplanationEntry> byScore =
        Comparator.comparingDouble(ExplanationEntry::score).thenComparing(ExplanationEntry::neuron);
    defined.sort(byScore.reversed());
    List<ExplanationEntry> best =
        List.copyOf(defined.subList(0, Math.min(EXTREMES, defined.size())));
    List<ExplanationEntry> worst =
        new ArrayList<>(defined.subList(Math.max(0, defined.size() - EXTREMES), defined.size()));
    Collections.reverse(worst);
    double mean = defined.isEmpty() ? Double.NaN : sum / defined.size();
    return new Layer(
        layer, entries.size(), defined.size(), mean, histogram, best, List.copyOf(worst));
  }
}
