package org.neuronexplainer.worker.capture.stats;

import java.util.Arrays;

/**
 * The pseudo-random priority of an excerpt for one neuron: a pure function of (seed, layer, neuron,
 * excerpt id). Keeping the excerpts with the smallest priorities is a uniform sample without
 * replacement, drawn independently per neuron (docs/method.md 1.4), and, because the priority does
 * not depend on the order excerpts arrive in, the sample of a merged set of shards is the sample of
 * a single pass: the smallest of the union is the smallest of the shards' smallest.
 */
final class SampleHash {
  private SampleHash() {}

  /** The per-neuron base; {@link #priority} mixes in the excerpt. */
  static long base(long seed, int layer, int neuron) {
    return mix(mix(seed + 0x9E3779B97F4A7C15L * (layer + 1L)) + neuron);
  }

  /**
   * An unsigned sort key: 32 random high bits, then the excerpt id, so that keys are unique and
   * equal random bits fall back to the lower id.
   */
  static long priority(long base, int excerptId) {
    return (mix(base + excerptId) & 0xFFFFFFFF00000000L) | (excerptId & 0xFFFFFFFFL);
  }

  /**
   * The {@code k}-th smallest (unsigned, k from 1) {@link #priority} among these excerpts' for this
   * base, or all ones, above every priority, when there are no more than {@code k} of them. {@code
   * work} holds at least {@code ids.length} entries.
   */
  static long kthPriority(long base, int[] ids, int k, long[] work) {
    if (ids.length <= k) {
      return -1L;
    }
    // Priorities are uniform: first keep those whose random half lies below a cut that about 2k +
    // 64 of them pass, and only if fewer than k did, all of them.
    double share = Math.min(1.0, (2.0 * k + 64) / ids.length);
    long cut = share >= 1.0 ? 1L << 32 : (long) (share * (1L << 32));
    int count = 0;
    for (int id : ids) {
      long p = priority(base, id);
      if (p >>> 32 < cut) {
        work[count++] = p ^ Long.MIN_VALUE; // signed order of these is the unsigned order of p
      }
    }
    if (count < k) {
      count = 0;
      for (int id : ids) {
        work[count++] = priority(base, id) ^ Long.MIN_VALUE;
      }
    }
    Arrays.sort(work, 0, count);
    return work[k - 1] ^ Long.MIN_VALUE;
  }

  // SplitMix64's finalizer: a bijection that spreads every input bit over the output.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The sort key of an excerpt by its max activation: higher activations get smaller unsigned keys,
   * and equal activations fall back to the lower excerpt id.
   */
  static long topPriority(float max, int excerptId) {
    int bits = Float.floatToIntBits(max);
    // Flip so that unsigned order of `ordered` is the numeric order of the floats.
    int ordered = bits ^ ((bits >> 31) | 0x80000000);
    return ((long) ~ordered << 32) | (excerptId & 0xFFFFFFFFL);
  }

  /** The max activation a {@link #topPriority} key was made from. */
  static float maxOfTopPriority(long key) {
    int ordered = ~(int) (key >>> 32);
    int bits = ordered < 0 ? ordered ^ 0x80000000 : ~ordered;
    return Float.intBitsToFloat(bits);
  }
}
