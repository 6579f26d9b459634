package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;

/**
 * What the token search and the density filter keep of one neuron's collated activations: its
 * density, its largest activation, the tokens it fires on most with the largest activation on each,
 * and the text around the peak of each top excerpt ({@link ExcerptWindows}). About 4 KB per neuron
 * with 50 top excerpts ({@link #bytes}): some 1.2 GB for a whole GPT-2 XL store.
 *
 * <p>The capture keeps the moments of each neuron's activations (mean, variance, skewness,
 * kurtosis), not how many tokens were above zero, and moments alone do not give that share. So the
 * density is measured on the record's random sample, excerpts drawn uniformly from the corpus: the
 * share of their tokens with an activation above 0. A neuron whose top excerpts never go above 0
 * never fired anywhere in the corpus and has density 0 whatever its sample says.
 *
 * @param density the share of sampled tokens above 0, NaN without a random sample
 * @param sampleTokens the number of tokens the density was measured on
 * @param maxActivation the largest activation over the top excerpts, NaN without any
 * @param tokens the neuron's strongest tokens as search keys ({@link #key}), distinct
 * @param activations the largest activation on each of {@code tokens}, in the same order
 * @param windows the top excerpts' text around their peaks, for the search by a piece of text
 */
record NeuronActivity(
    NeuronId neuron,
    double density,
    int sampleTokens,
    double maxActivation,
    String[] tokens,
    float[] activations,
    ExcerptWindows windows) {

  /** Tokens kept per neuron: enough for the tokens it is known for, few enough to stay small. */
  static final int TOKENS_KEPT = 48;

  /** A neuron that fires on at least this share of tokens counts as always on. */
  static final double ALWAYS_ON = 0.99;

  /**
   * The summary of {@code record}; {@code table} (the activation-based token table) adds its mean
   * activations where present. Tokens are ranked by their largest activation, top excerpts and
   * table together.
   */
  static NeuronActivity of(NeuronRecord record, TokenLookupTableSummaryOfNeuron table) {
    Map<String, Double> best = new HashMap<>();
    for (ActivationRecord excerpt : record.mostPositiveActivationRecords()) {
      offer(best, excerpt.tokens(), excerpt.activations());
    }
    if (table != null) {
      offer(best, table.tokens(), table.averageActivations());
    }
    List<Map.Entry<String, Double>> ranked = new ArrayList<>(best.entrySet());
    ranked.sort(
        Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    int kept = Math.min(TOKENS_KEPT, ranked.size());
    String[] tokens = new String[kept];
    float[] activations = new float[kept];
    for (int i = 0; i < kept; i++) {
      tokens[i] = ranked.get(i).getKey().intern(); // the same tokens recur across neurons
      activations[i] = ranked.get(i).getValue().floatValue();
    }
    double max = record.maxActivation();
    long[] sampled = sampleCounts(record.randomSample());
    double density;
    if (!Double.isNaN(max) && max <= 0) {
      density = 0;
    } else {
      density = sampled[1] == 0 ? Double.NaN : (double) sampled[0] / sampled[1];
    }
    return new NeuronActivity(
        record.neuronId(),
        density,
        (int) sampled[1],
        max,
        tokens,
        activations,
        ExcerptWindows.of(record.mostPositiveActivationRecords()));
  }

  /** Tokens above 0 and tokens in all among {@code sample}'s defined activations. */
  static long[] sampleCounts(List<ActivationRecord> sample) {
    long above = 0;
    long all = 0;
    for (ActivationRecord excerpt : sample) {
      for (double value : excerpt.activations()) {
        if (!Double.isNaN(value)) {
          all++;
          if (value > 0) {
            above++;
          }
        }
      }
    }
    return new long[] {above, all};
  }

  /** Whether the neuron never fired over the corpus: its top excerpts never go above 0. */
  boolean dead() {
    return !Double.isNaN(maxActivation) && maxActivation <= 0;
  }

  /**
   * Bytes held, from the sizes of the arrays: the strongest tokens count as references, their
   * strings being interned and shared by all neurons (a vocabulary's worth in all).
   */
  long bytes() {
    long held =
        16 + 8 + 4 + 8 + 4 * 4L + 24 + 16 + 4L * tokens.length + 16 + 4L * activations.length;
    return held + windows.bytes();
  }

  /** The largest activation on the token with search key {@code key}, NaN when not kept. */
  double activationOn(String key) {
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].equals(key)) {
        return activations[i];
      }
    }
    return Double.NaN;
  }

  /**
   * A token as the search matches it: without the spaces around it (GPT-2's tokens carry their
   * leading space) and in lower case; empty for a token of only whitespace.
   */
  static String key(String token) {
    return token.strip().toLowerCase(Locale.ROOT);
  }

  private static void offer(Map<String, Double> best, List<String> tokens, double[] values) {
    for (int i = 0; i < tokens.size(); i++) {
      String key = key(tokens.get(i));
      if (!key.isEmpty() && !Double.isNaN(values[i]) && values[i] > 0) {
        best.merge(key, values[i], Math::max);
      }
    }
  }
}
