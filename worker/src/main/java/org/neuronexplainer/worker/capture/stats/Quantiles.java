package org.neuronexplainer.worker.capture.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The five quantile buckets of METHOD.md 2.1 and their four boundaries, by the rank of each
 * excerpt's max activation among all N excerpts (ties by excerpt id, the lower id ranking higher,
 * as in the top list). Bucket b holds ranks [floor(q_b N), floor(q_{b+1} N)) for q = 0, 0.5, 0.9,
 * 0.99, 0.999, 1 (floor, so that the top bucket holds at least the top excerpt); boundary i is the
 * max activation at rank floor(q_{i+1} N), the lowest excerpt of bucket i+1.
 *
 * <p>Where the ranks are known exactly they are used: a bucket that lies inside the top list is
 * filled from it, and when the pool holds every excerpt (N at most the pool size) everything is
 * exact. Otherwise ranks are estimated from the pool, a uniform sample of the excerpts: an excerpt
 * of pool rank r among M is put at quantile r / M. Each bucket's sample is its members with the
 * smallest sampling keys, so it is uniform within the bucket and independent per neuron.
 */
final class Quantiles {
  static final int[] PER_MILLE = {0, 500, 900, 990, 999, 1000};
  static final int BUCKETS = PER_MILLE.length - 1;

  private Quantiles() {}

  /** A candidate excerpt: its sampling key, max activation and activations. */
  record Candidate(long sampleKey, int excerptId, float max, float[] activations) {}

  record Result(List<List<Candidate>> buckets, double[] boundaries) {}

  /**
   * @param total N, the number of excerpts
   * @param top the top list, highest first (the top min(capacity, N) ranks)
   * @param pool the pool, in any order
   * @param poolIsComplete whether the pool holds all N excerpts
   */
  static Result of(
      long total, List<Candidate> top, List<Candidate> pool, boolean poolIsComplete, int size) {
    if (total == 0) {
      return new Result(null, null);
    }
    // Ascending by max; among equal maxima the higher id ranks lower.
    List<Candidate> ascending = new ArrayList<>(pool);
    ascending.sort(
        Comparator.comparingDouble(Candidate::max)
            .thenComparing(Candidate::excerptId, Comparator.reverseOrder()));
    long topStart = total - top.size();
    List<List<Candidate>> buckets = new ArrayList<>();
    for (int b = 0; b < BUCKETS; b++) {
      long lo = rankAt(PER_MILLE[b], total);
      long hi = rankAt(PER_MILLE[b + 1], total);
      List<Candidate> members = new ArrayList<>();
      if (lo >= topStart) {
        for (long r = lo; r < hi; r++) {
          members.add(top.get((int) (total - 1 - r)));
        }
      } else if (poolIsComplete) {
        members.addAll(ascending.subList((int) lo, (int) hi));
      } else {
        int m = ascending.size();
        members.addAll(
            ascending.subList((int) rankAt(PER_MILLE[b], m), (int) rankAt(PER_MILLE[b + 1], m)));
      }
      members.sort((x, y) -> Long.compareUnsigned(x.sampleKey(), y.sampleKey()));
      buckets.add(List.copyOf(members.subList(0, Math.min(size, members.size()))));
    }
    double[] boundaries = new double[BUCKETS - 1];
    for (int i = 0; i < boundaries.length; i++) {
      long r = Math.min(total - 1, rankAt(PER_MILLE[i + 1], total));
      if (r >= topStart) {
        boundaries[i] = top.get((int) (total - 1 - r)).max();
      } else if (poolIsComplete) {
        boundaries[i] = ascending.get((int) r).max();
      } else {
        int m = ascending.size();
        boundaries[i] = ascending.get((int) Math.min(m - 1, rankAt(PER_MILLE[i + 1], m))).max();
      }
    }
    return new Result(buckets, boundaries);
  }

  /** floor(perMille / 1000 * n), in integers so that no rounding moves a rank. */
  static long rankAt(int perMille, long n) {
    return perMille * n / 1000;
  }
}
