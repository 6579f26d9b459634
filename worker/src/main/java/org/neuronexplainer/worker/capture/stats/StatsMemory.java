package org.neuronexplainer.worker.capture.stats;

/**
 * How much Java heap one layer's {@link LayerStats} take, from the sizes of their arrays: a job
 * that cannot fit is refused before its forward passes start, not ended by running out of memory.
 */
public final class StatsMemory {
  private StatsMemory() {}

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
