package org.neuronexplainer.worker.records;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;

/**
 * Discretizes activations to the 0..10 scale the explainer and simulator read (docs/method.md 3.1).
 *
 * <p>Negative activations are the neuron "resting" and count as 0 (ReLU). A NaN activation (a null
 * in a file) also counts as 0, as the original's {@code max(0.0, x)} does.
 */
public final class Normalization {
  /** The top of the discrete scale: only the maximal token(s) reach it (docs/method.md 3.1). */
  public static final int MAX_NORMALIZED = 10;

  private Normalization() {}

  /**
   * The largest ReLU(activation) over every token of every record: the scale's 10. Zero when the
   * records have no tokens or no positive activation (the original fails on no tokens; zero makes
   * {@link #normalize} give all zeros, which is what no evidence of firing means).
   */
  public static double maxActivation(List<ActivationRecord> records) {
    double max = 0.0;
    for (ActivationRecord record : records) {
      for (double activation : record.activations()) {
        max = Math.max(max, relu(activation));
      }
    }
    return max;
  }

  /**
   * Each value as min(10, floor(10 * ReLU(x) / max)); all zeros when {@code max <= 0}.
   *
   * @throws IllegalArgumentException when {@code max} is NaN or infinite
   */
  public static int[] normalize(double[] activations, double max) {
    if (!Double.isFinite(max)) {
      throw new IllegalArgumentException("max activation must be finite, got " + max);
    }
    int[] normalized = new int[activations.length];
    if (max <= 0) {
      return normalized;
    }
    for (int i = 0; i < activations.length; i++) {
      double scaled = Math.floor(MAX_NORMALIZED * relu(activations[i]) / max);
      normalized[i] = (int) Math.min(MAX_NORMALIZED, scaled);
    }
    return normalized;
  }

  /** {@link #normalize} of one record's activations. */
  public static int[] normalize(ActivationRecord record, double max) {
    return normalize(record.activations(), max);
  }

  /**
   * The share of tokens whose normalized value is not 0; NaN when the records have no tokens (the
   * original divides by zero there). The explainer repeats records without their zeros when this is
   * small (docs/method.md 3.2).
   */
  public static double nonZeroProportion(List<ActivationRecord> records, double max) {
    long total = 0;
    long nonZero = 0;
    for (ActivationRecord record : records) {
      for (int value : normalize(record, max)) {
        total++;
        if (value != 0) {
          nonZero++;
        }
      }
    }
    return total == 0 ? Double.NaN : (double) nonZero / total;
  }

  private static double relu(double x) {
    // x > 0 is false for NaN, so NaN rests at 0 like a negative value.
    return x > 0 ? x : 0.0;
  }
}
