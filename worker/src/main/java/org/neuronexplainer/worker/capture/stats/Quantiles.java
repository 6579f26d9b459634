package org.neuronexplainer.worker.capture.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The five quantile buckets of docs/method.md 2.1 and their four boundaries, by the rank of each
 * excerpt's max activation among all N excerpts (ties by excerpt id, the lower id ranking higher,
 * as in the top list). Bucket b holds ranks [floor(q_b N), floor(q_{b+1} N)) for q = 0, 0.5, 0.9,
 * 0.99, 0.999, 1 (floor, so that the top bucket holds at least the top excerpt); boundary i is the
 * max activation at rank floor(q_{i+1} N), the lowest excerpt of bucket i+1.
 *
 * <p>A boundary is exact when its rank from the top lies inside the top list or the neuron's
 * highest-maxima keys ({@code quantileKeys}), or when the pool holds every excerpt; otherwise it is
 * estimated from the pool, a uniform sample: the excerpt of pool rank floor(q M) among M. Either
 * way the boundary is one excerpt's sort key, and an excerpt belongs to bucket b when its key lies
 * between the boundaries of b, so membership is exact wherever the boundaries are.
 *
 * <p>Each bucket's records are its members with the smallest sampling keys (uniform within the
 * bucket, independent per neuron): from the top list for a bucket inside it, from the second pass's
 * per-bucket samples when there was one, else from the members found in the pool.
 */
final class Quantiles {
  static final int[] PER_MILLE = {0, 500, 900, 990, 999, 1000};
  static final int BUCKETS = PER_MILLE.length - 1;

  private Quantiles() {}

  /** A candidate excerpt: its sampling key, max activation and activations. */
  record Candidate(long sampleKey, int excerptId, float max, float[] activations) {
    long topKey() {
      return SampleHash.topPriority(max, excerptId);
    }
  }

  /**
   * The boundaries as sort keys ({@link SampleHash#topPriority}) and values, and how many are
   * exact.
   */
  record Boundaries(long[] keys, double[] values, int exact) {
    /** The bucket (0..4) of an excerpt with this top key. */
    int bucketOf(long topKey) {
      int bucket = 0;
      // A key no greater than boundary i's ranks at or above it: bucket i + 1 or higher.
      while (bucket < keys.length && Long.compareUnsigned(topKey, keys[bucket]) <= 0) {
        bucket++;
      }
      return bucket;
    }
  }

  record Result(List<List<Candidate>> buckets, double[] boundaries) {}

  /**
   * @param total N, the number of excerpts (at least 1)
   * @param top the top list, highest first (the top min(capacity, N) ranks)
   * @param tailKeys the highest maxima's top keys, highest first (the top min(keys, N) ranks)
   * @param pool the pool, in any order
   * @param poolIsComplete whether the pool holds all N excerpts
   */
  static Boundaries boundaries(
      long total,
      List<Candidate> top,
      long[] tailKeys,
      List<Candidate> pool,
      boolean poolIsComplete) {
    List<Candidate> ascending = ascending(pool);
    long[] keys = new long[BUCKETS - 1];
    double[] values = new double[BUCKETS - 1];
    int exact = 0;
    for (int i = 0; i < keys.length; i++) {
      long rank = Math.min(total - 1, rankAt(PER_MILLE[i + 1], total));
      long fromTop = total - 1 - rank;
      if (fromTop < top.size()) {
        keys[i] = top.get((int) fromTop).topKey();
        exact++;
      } else if (fromTop < tailKeys.length) {
        keys[i] = tailKeys[(int) fromTop];
        exact++;
      } else if (poolIsComplete) {
        keys[i] = ascending.get((int) rank).topKey();
        exact++;
      } else {
        int m = ascending.size();
        keys[i] = ascending.get((int) Math.min(m - 1, rankAt(PER_MILLE[i + 1], m))).topKey();
      }
      values[i] = SampleHash.maxOfTopPriority(keys[i]);
    }
    return new Boundaries(keys, values, exact);
  }

  /**
   * @param sampled per bucket, the second pass's sample (members with the smallest sampling keys),
   *     or null after one pass
   */
  static Result of(
      long total,
      List<Candidate> top,
      Boundaries boundaries,
      List<Candidate> pool,
      List<List<Candidate>> sampled,
      int size) {
    if (total == 0) {
      return new Result(null, null);
    }
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
      } else if (sampled != null) {
        members.addAll(sampled.get(b));
      } else {
        for (Candidate c : pool) {
          if (boundaries.bucketOf(c.topKey()) == b) {
            members.add(c);
          }
        }
      }
      members.sort((x, y) -> Long.compareUnsigned(x.sampleKey(), y.sampleKey()));
      buckets.add(List.copyOf(members.subList(0, Math.min(size, members.size()))));
    }
    return new Result(buckets, boundaries.values().clone());
  }

  /** Ascending by max; among equal maxima the higher id ranks lower. */
  private static List<Candidate> ascending(List<Candidate> pool) {
    List<Candidate> ascending = new ArrayList<>(pool);
    ascending.sort(
        Comparator.comparingDouble(Candidate::max)
            .thenComparing(Candidate::excerptId, Comparator.reverseOrder()));
    return ascending;
  }

  /** floor(perMille / 1000 * n), in integers so that no rounding moves a rank. */
  static long rankAt(int perMille, long n) {
    return perMille * n / 1000;
  }
}
