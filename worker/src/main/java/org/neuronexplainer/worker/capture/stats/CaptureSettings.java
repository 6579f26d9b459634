package org.neuronexplainer.worker.capture.stats;

import org.neuronexplainer.common.run.CaptureRun;

/**
 * What a capture keeps per neuron (docs/method.md 1.4 and 2.1).
 *
 * @param context tokens per excerpt (the paper: 64)
 * @param top top excerpts by max activation to keep (the paper's viewer: 50)
 * @param random excerpts in the random sample and in each quantile bucket
 * @param pool the per-neuron uniform sample the random sample (and, in one pass, the quantile
 *     buckets' records) are drawn from
 * @param seed the sampling seed
 * @param tableSize tokens in each activation-based lookup table
 * @param tableMinCount occurrences a token needs to enter a lookup table
 * @param quantileKeys how many of the highest excerpt maxima (keys only, 8 bytes each) a neuron
 *     keeps: a quantile boundary whose rank from the top is below this is exact
 * @param twoPassQuantiles sample the quantile buckets in a second pass over the corpus, once the
 *     boundaries are known, instead of from the pool
 */
public record CaptureSettings(
    int context,
    int top,
    int random,
    int pool,
    long seed,
    int tableSize,
    int tableMinCount,
    int quantileKeys,
    boolean twoPassQuantiles) {
  /** Enough for exact 0.99 and 0.999 boundaries over the paper's 50,000 excerpts. */
  public static final int DEFAULT_QUANTILE_KEYS = CaptureRun.DEFAULT_QUANTILE_KEYS;

  /** The paper's excerpt length. */
  public static final int DEFAULT_CONTEXT = 64;

  /** The top excerpts the paper's viewer shows. */
  public static final int DEFAULT_TOP = 50;

  public static final int DEFAULT_RANDOM = 50;
  public static final int DEFAULT_POOL = 250;
  public static final long DEFAULT_SEED = 0;
  public static final int DEFAULT_TABLE_SIZE = 50;
  public static final int DEFAULT_TABLE_MIN_COUNT = 2;

  public CaptureSettings {
    if (context < 1 || top < 1 || random < 1 || tableSize < 1 || tableMinCount < 1) {
      throw new IllegalArgumentException(
          "context, top, random, table size and minimum count must be at least 1");
    }
    if (pool < random) {
      throw new IllegalArgumentException("the pool (" + pool + ") must be at least --random");
    }
    if (quantileKeys < 0) {
      throw new IllegalArgumentException("--quantile-keys must not be negative: " + quantileKeys);
    }
  }

  /** One-pass quantile buckets with {@link #DEFAULT_QUANTILE_KEYS} exact keys. */
  public CaptureSettings(
      int context, int top, int random, int pool, long seed, int tableSize, int tableMinCount) {
    this(context, top, random, pool, seed, tableSize, tableMinCount, DEFAULT_QUANTILE_KEYS, false);
  }

  /**
   * The defaults: 64-token excerpts, 50 top and 50 random, a pool of 250, seed 0, token tables of
   * 50 tokens seen at least twice, one-pass quantiles.
   */
  public static CaptureSettings defaults() {
    return new CaptureSettings(
        DEFAULT_CONTEXT,
        DEFAULT_TOP,
        DEFAULT_RANDOM,
        DEFAULT_POOL,
        DEFAULT_SEED,
        DEFAULT_TABLE_SIZE,
        DEFAULT_TABLE_MIN_COUNT);
  }

  /** These settings with excerpts of {@code context} tokens. */
  public CaptureSettings withContext(int context) {
    return new CaptureSettings(
        context, top, random, pool, seed, tableSize, tableMinCount, quantileKeys, twoPassQuantiles);
  }

  /** These settings keeping the {@code top} highest excerpts. */
  public CaptureSettings withTop(int top) {
    return new CaptureSettings(
        context, top, random, pool, seed, tableSize, tableMinCount, quantileKeys, twoPassQuantiles);
  }

  /** These settings with random samples of {@code random} excerpts drawn from a {@code pool}. */
  public CaptureSettings withSamples(int random, int pool) {
    return new CaptureSettings(
        context, top, random, pool, seed, tableSize, tableMinCount, quantileKeys, twoPassQuantiles);
  }

  /** These settings sampling from {@code seed}. */
  public CaptureSettings withSeed(long seed) {
    return new CaptureSettings(
        context, top, random, pool, seed, tableSize, tableMinCount, quantileKeys, twoPassQuantiles);
  }

  /**
   * These settings with token tables of {@code size} tokens seen at least {@code minCount} times.
   */
  public CaptureSettings withTokenTables(int size, int minCount) {
    return new CaptureSettings(
        context, top, random, pool, seed, size, minCount, quantileKeys, twoPassQuantiles);
  }

  /** These settings with the quantile options changed. */
  public CaptureSettings withQuantiles(int keys, boolean twoPass) {
    return new CaptureSettings(
        context, top, random, pool, seed, tableSize, tableMinCount, keys, twoPass);
  }
}
