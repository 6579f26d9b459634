package org.neuronexplainer.worker.capture.stats;

/**
 * Per vocabulary token and neuron, the sum of the neuron's activations over the token's occurrences
 * and the occurrence count: what the activation-based token lookup table (docs/method.md 11) is the
 * mean of.
 *
 * <p>Sums are fixed point (steps of 2^-24, an ulp of 1.0f; each activation truncated) in longs:
 * integer sums do not depend on the order of their terms, so shards merge exactly, and the rounding
 * of each activation to 6e-8 is below what the table's purpose (ranking tokens) can notice. Rows
 * are allocated for tokens that occur, so memory is (distinct tokens) x (neurons) x 8 bytes per
 * layer.
 *
 * <p>Rows are cut from large slabs rather than allocated one by one. A capture meets new tokens for
 * a long time, and each row of a wide layer is tens of kilobytes that live to the end; allocated
 * alone, they filled the young generation and every collection copied them, which cost more than
 * the statistics themselves. A slab past the collector's humongous size is placed in the old
 * generation and never copied, so no slab is smaller than {@link #MIN_SLAB_LONGS} longs, past that
 * size for every G1 region size, unless the whole vocabulary's rows take less. From there slabs
 * double, from {@link #FIRST_SLAB_ROWS} rows, up to {@link #MAX_SLAB_LONGS} longs.
 */
final class TokenTable {
  static final double SCALE = 1 << 24;
  static final int FIRST_SLAB_ROWS = 16;
  // 16 MiB: half of G1's largest region, the largest humongous threshold.
  static final int MIN_SLAB_LONGS = 1 << 21;
  static final int MAX_SLAB_LONGS = 1 << 22; // 32 MiB

  private final int neurons;
  private final long[] counts;
  private final long[][] slabOf; // per token: the slab holding its row, or null
  private final int[] offsetOf; // per token: where its row starts in that slab
  private long[] slab = new long[0];
  private int slabRowsUsed;
  private int slabsMade;
  private long allocatedLongs;

  TokenTable(int vocabSize, int neurons) {
    this.neurons = neurons;
    this.counts = new long[vocabSize];
    this.slabOf = new long[vocabSize][];
    this.offsetOf = new int[vocabSize];
  }

  int vocabSize() {
    return counts.length;
  }

  /** Rows in the k-th slab of a table of {@code neurons}-long rows over {@code vocab} tokens. */
  private static int slabRows(int k, int neurons, int vocab) {
    int width = Math.max(1, neurons);
    int most = Math.max(1, MAX_SLAB_LONGS / width);
    int least = Math.min(Math.max(1, vocab), (MIN_SLAB_LONGS + width - 1) / width);
    int doubled = k >= 30 ? most : (int) Math.min(most, (long) FIRST_SLAB_ROWS << k);
    return Math.max(least, doubled);
  }

  /**
   * Longs the slabs hold once {@code rows} distinct tokens of a {@code vocab}-token vocabulary have
   * rows, for {@link StatsMemory}.
   */
  static long allocatedLongs(long rows, int neurons, int vocab) {
    long longs = 0;
    for (int k = 0; rows > 0; k++) {
      int size = slabRows(k, neurons, vocab);
      longs += (long) size * neurons;
      rows -= size;
    }
    return longs;
  }

  /** Bytes of the counts, the per-token row references and offsets, and the slabs. */
  long arrayBytes() {
    return counts.length * 20L + allocatedLongs * 8;
  }

  private void allocateRow(int token) {
    int rows = slab.length / Math.max(1, neurons);
    if (slabRowsUsed == rows) {
      int size = slabRows(slabsMade++, neurons, counts.length);
      slab = new long[size * neurons];
      allocatedLongs += (long) size * neurons;
      slabRowsUsed = 0;
    }
    slabOf[token] = slab;
    offsetOf[token] = slabRowsUsed++ * neurons;
  }

  /**
   * Counts one occurrence of {@code token}, allocating its row on first use; the caller then adds
   * the activations at {@link #slab}/{@link #offset} (in parts: rows of different neurons may be
   * filled concurrently once counted).
   */
  void countOccurrence(int token) {
    if (slabOf[token] == null) {
      allocateRow(token);
    }
    counts[token]++;
  }

  /** The tokens that occurred, ascending. */
  int[] tokensSeen() {
    int count = 0;
    for (long[] row : slabOf) {
      count += row == null ? 0 : 1;
    }
    int[] tokens = new int[count];
    for (int t = 0, i = 0; t < slabOf.length; t++) {
      if (slabOf[t] != null) {
        tokens[i++] = t;
      }
    }
    return tokens;
  }

  /** Adds {@code sums[i * neurons + j]} to the row of {@code tokens[i]}, a token that occurred. */
  void addSums(int[] tokens, long[] sums) {
    for (int i = 0; i < tokens.length; i++) {
      long[] row = slabOf[tokens[i]];
      int at = offsetOf[tokens[i]];
      for (int j = 0; j < neurons; j++) {
        row[at + j] += sums[i * neurons + j];
      }
    }
  }

  /** The slab holding the row of a token that occurred. */
  long[] slab(int token) {
    return slabOf[token];
  }

  /** Where the row of a token that occurred starts in its {@link #slab}. */
  int offset(int token) {
    return offsetOf[token];
  }

  /** An activation in the sums' fixed point. */
  static long fixed(float value) {
    // A float times 2^24 is exact in a double; truncation is the (deterministic) rounding.
    return (long) (value * SCALE);
  }

  long count(int token) {
    return counts[token];
  }

  boolean occurred(int token) {
    return slabOf[token] != null;
  }

  /** The sum of neuron j's activations over the occurrences of a token that occurred. */
  long sum(int token, int j) {
    return slabOf[token][offsetOf[token] + j];
  }

  /** Gives a token, as read from a partial, its count and a zero row if it has none. */
  void restore(int token, long count) {
    if (slabOf[token] == null) {
      allocateRow(token);
    }
    counts[token] = count;
  }

  void addAll(TokenTable other) {
    if (other.neurons != neurons || other.counts.length != counts.length) {
      throw new IllegalArgumentException("token tables of different shapes");
    }
    for (int t = 0; t < counts.length; t++) {
      if (other.slabOf[t] == null) {
        continue;
      }
      if (slabOf[t] == null) {
        allocateRow(t);
      }
      counts[t] += other.counts[t];
      long[] row = slabOf[t];
      int offset = offsetOf[t];
      long[] from = other.slabOf[t];
      int fromOffset = other.offsetOf[t];
      for (int j = 0; j < neurons; j++) {
        row[offset + j] += from[fromOffset + j];
      }
    }
  }
}
