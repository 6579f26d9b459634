package org.neuronexplainer.worker.records;

/**
 * How many records each split takes from each pool (the original's {@code
 * ActivationRecordSliceParams}).
 *
 * @param examplesPerSplit records per split from each pool, or null to use as many as the pool
 *     allows: floor(pool size / number of splits), computed separately for each pool
 */
public record SliceParams(Integer examplesPerSplit) {

  /** The value used by the original demos and for the public explanations: 5 per split. */
  public static final int PAPER_EXAMPLES_PER_SPLIT = 5;

  public SliceParams {
    if (examplesPerSplit != null && examplesPerSplit < 1) {
      throw new IllegalArgumentException(
          "examples per split must be at least 1 (or null for as many as the pool allows), got "
              + examplesPerSplit);
    }
  }

  /** {@code n} records per split from each pool. */
  public static SliceParams perSplit(int n) {
    return new SliceParams(n);
  }

  /** As many records per split as each pool allows. */
  public static SliceParams wholePools() {
    return new SliceParams(null);
  }

  /** 5 per split, as in the paper (docs/method.md 2.2). */
  public static SliceParams paper() {
    return new SliceParams(PAPER_EXAMPLES_PER_SPLIT);
  }
}
