package org.neuronexplainer.worker.capture.stats;

/**
 * Per vocabulary token and neuron, the sum of the neuron's activations over the token's occurrences
 * and the occurrence count: what the activation-based token lookup table (METHOD.md 11) is the mean
 * of.
 *
 * <p>Sums are fixed point (steps of 2^-24, an ulp of 1.0f; each activation truncated) in longs:
 * integer sums do not depend on the order of their terms, so shards merge exactly, and the rounding
 * of each activation to 6e-8 is below what the table's purpose (ranking tokens) can notice. Rows
 * are allocated for tokens that occur, so memory is (distinct tokens) x (neurons) x 8 bytes per
 * layer.
 */
final class TokenTable {
  static final double SCALE = 1 << 24;

  private final int neurons;
  private final long[][] sums;
  private final long[] counts;

  TokenTable(int vocabSize, int neurons) {
    this.neurons = neurons;
    this.sums = new long[vocabSize][];
    this.counts = new long[vocabSize];
  }

  int vocabSize() {
    return counts.length;
  }

  int neurons() {
    return neurons;
  }

  /** Bytes of the counts, the row slots (8 bytes each) and the rows allocated so far. */
  long arrayBytes() {
    long bytes = counts.length * 8L + sums.length * 8L;
    for (long[] row : sums) {
      bytes += row == null ? 0 : row.length * 8L;
    }
    return bytes;
  }

  /** Adds one occurrence of {@code token} with the selected neurons' activations. */
  void add(int token, float[] values) {
    long[] row = occurrence(token);
    for (int j = 0; j < neurons; j++) {
      row[j] += fixed(values[j]);
    }
  }

  /**
   * Counts one occurrence of {@code token} and returns its row of sums, allocated on first use, for
   * the caller to add the activations to ({@link #add} in parts: rows of different neurons may be
   * filled concurrently once counted).
   */
  long[] occurrence(int token) {
    long[] row = sums[token];
    if (row == null) {
      row = sums[token] = new long[neurons];
    }
    counts[token]++;
    return row;
  }

  /** An activation in the sums' fixed point. */
  static long fixed(float value) {
    // A float times 2^24 is exact in a double; truncation is the (deterministic) rounding.
    return (long) (value * SCALE);
  }

  long count(int token) {
    return counts[token];
  }

  /** The row of sums of a token that occurred, or null. */
  long[] sums(int token) {
    return sums[token];
  }

  void set(int token, long count, long[] row) {
    counts[token] = count;
    sums[token] = row;
  }

  void addAll(TokenTable other) {
    if (other.neurons != neurons || other.counts.length != counts.length) {
      throw new IllegalArgumentException("token tables of different shapes");
    }
    for (int t = 0; t < counts.length; t++) {
      if (other.sums[t] == null) {
        continue;
      }
      if (sums[t] == null) {
        sums[t] = new long[neurons];
      }
      counts[t] += other.counts[t];
      for (int j = 0; j < neurons; j++) {
        sums[t][j] += other.sums[t][j];
      }
    }
  }
}
