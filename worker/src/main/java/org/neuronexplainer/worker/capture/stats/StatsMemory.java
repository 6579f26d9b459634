package org.neuronexplainer.worker.capture.stats;

/**
 * How much Java heap one layer's {@link LayerStats} take, from the sizes of their arrays: a job
 * that cannot fit is refused before its forward passes start, not ended by running out of memory.
 */
public final class StatsMemory {
  private StatsMemory() {}

  /** The part of the maximum heap capture plans its statistics on; the rest is for the others. */
  public static final double HEAP_SHARE = 0.8;

  /**
   * What a capture of {@code layers} layers over the excerpts {@code ids} needs.
   *
   * @param perLayer bytes of one layer's statistics
   * @param distinctTokens vocabulary tokens in the excerpts
   */
  public record Need(long perLayer, int layers, int distinctTokens) {
    public long total() {
      return perLayer * layers;
    }

    /** How many layers fit in {@code budget} bytes (0 when not even one does). */
    public long layersThatFit(long budget) {
      return budget / Math.max(1, perLayer);
    }

    /** "about 3.2 GiB of Java heap (2 layers x 3072 neurons, 1234 distinct tokens)" */
    public String describe(int neurons) {
      return String.format(
          java.util.Locale.ROOT,
          "about %.1f GiB of Java heap (%d layers x %d neurons, %d distinct tokens)",
          gib(total()),
          layers,
          neurons,
          distinctTokens);
    }
  }

  public static Need of(
      int layers,
      int neurons,
      CaptureSettings settings,
      org.neuronexplainer.worker.capture.corpus.Excerpts excerpts,
      int[] ids) {
    java.util.BitSet seen = new java.util.BitSet();
    for (int id : ids) {
      for (int token : excerpts.tokens(id)) {
        seen.set(token);
      }
    }
    int distinct = seen.cardinality();
    return new Need(bytesPerLayer(neurons, settings, distinct, ids.length), layers, distinct);
  }

  /** The heap capture may plan on in this JVM. */
  public static long budget() {
    return (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
  }

  public static double gib(long bytes) {
    return bytes / (double) (1L << 30);
  }

  /**
   * @param neurons the layer's selected neurons
   * @param distinctTokens vocabulary tokens that occur in the excerpts (each gets a table row)
   * @param excerpts the excerpts the statistics will see (heaps never hold more)
   */
  public static long bytesPerLayer(
      int neurons, CaptureSettings settings, int distinctTokens, long excerpts) {
    long top = Math.min(settings.top(), excerpts);
    long pool = Math.min(settings.pool(), excerpts);
    long keys = Math.min(settings.quantileKeys(), excerpts);
    // Per kept entry: key, slot and max (16 bytes), plus the excerpt's activations for top and
    // pool.
    long heaps = neurons * ((top + pool) * (16 + 4L * settings.context()) + keys * 16);
    long tokenTable = (long) neurons * distinctTokens * 8 + distinctTokens * 16L;
    long powerSums = (long) neurons * 4 * ExactSums.LIMBS * 8;
    long scratch = (long) neurons * settings.context() * 4;
    return heaps + tokenTable + powerSums + scratch;
  }
}
