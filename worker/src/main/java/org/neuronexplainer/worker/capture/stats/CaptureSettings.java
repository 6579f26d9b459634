package org.neuronexplainer.worker.capture.stats;

/**
 * What a capture keeps per neuron (METHOD.md 1.4 and 2.1).
 *
 * @param context tokens per excerpt (the paper: 64)
 * @param top top excerpts by max activation to keep (the paper's viewer: 50)
 * @param random excerpts in the random sample and in each quantile bucket
 * @param pool the per-neuron uniform sample the random sample and the quantile buckets are drawn
 *     from; quantiles are exact when the corpus has at most this many excerpts
 * @param seed the sampling seed
 * @param tableSize tokens in each activation-based lookup table
 * @param tableMinCount occurrences a token needs to enter a lookup table
 */
public record CaptureSettings(
    int context, int top, int random, int pool, long seed, int tableSize, int tableMinCount) {

  public CaptureSettings {
    if (context < 1 || top < 1 || random < 1 || tableSize < 1 || tableMinCount < 1) {
      throw new IllegalArgumentException(
          "context, top, random, table size and minimum count must be at least 1");
    }
    if (pool < random) {
      throw new IllegalArgumentException("the pool (" + pool + ") must be at least --random");
    }
  }

  /** The defaults: 64-token excerpts, 50 top and 50 random, a pool of 250, seed 0. */
  public static CaptureSettings defaults() {
    return new CaptureSettings(64, 50, 50, 250, 0, 50, 2);
  }
}
