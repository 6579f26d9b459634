package org.neuronexplainer.worker.capture.bench;

import org.neuronexplainer.worker.capture.stats.CaptureSettings;

/**
 * What the capture benchmark times.
 *
 * @param context tokens per excerpt
 * @param batch excerpts per forward pass
 * @param excerpts excerpts of each timed run
 * @param rounds timed rounds; the best of each kind of work is kept
 * @param warmUp excerpts the continued statistics hold before the timed rounds (0 without them)
 * @param replays how many times each warm-up excerpt's activations are offered, under as many
 *     excerpt ids: the heaps' thresholds are then those of a warm-up that many times as long
 * @param continued whether the capture continued on warmed-up statistics is timed too
 * @param twoPassQuantiles whether the capture from empty statistics samples its quantile buckets in
 *     a second pass (the continued capture is always one-pass)
 */
public record CaptureBenchPlan(
    int context,
    int batch,
    int excerpts,
    int rounds,
    int warmUp,
    int replays,
    boolean continued,
    boolean twoPassQuantiles) {

  public CaptureBenchPlan {
    if (context < 1 || batch < 1 || excerpts < 1 || rounds < 1 || replays < 1) {
      throw new IllegalArgumentException(
          "context, batch, excerpts, rounds and replays must be at least 1");
    }
    if (warmUp < 0 || (!continued && warmUp > 0)) {
      throw new IllegalArgumentException(
          "the warm-up must be 0 or more, and 0 without the continued capture: " + warmUp);
    }
  }

  /**
   * The token rows the benchmark reads: rows [0, excerpts) for the forward pass alone and the
   * capture from empty statistics, every round; then the warm-up; then each round's new excerpts
   * for the continued capture.
   */
  public int rows() {
    return continued ? excerpts * (rounds + 1) + warmUp : excerpts;
  }

  /** The tokens of one timed run. */
  public long tokensPerRun() {
    return (long) excerpts * context;
  }

  /** The capture's settings: the defaults, at this context and quantile mode. */
  public CaptureSettings settings() {
    return CaptureSettings.defaults()
        .withContext(context)
        .withQuantiles(CaptureSettings.DEFAULT_QUANTILE_KEYS, twoPassQuantiles);
  }
}
