package org.neuronexplainer.worker.capture.stats;

/**
 * What one excerpt does to one neuron's first-pass state, given its max activation and power sums:
 * the sums take them, the top excerpts and the pool keep its activations if its keys let it in, and
 * the quantile tail keeps its key. Each call touches only neuron {@code j}'s state, so calls for
 * different neurons may run concurrently.
 */
final class ExcerptOffers {
  private final BottomK top;
  private final BottomK pool;
  private final BottomK tail;
  private final ExactSums powerSums;
  private final long[] bases;
  private final int context;

  ExcerptOffers(
      BottomK top, BottomK pool, BottomK tail, ExactSums powerSums, long[] bases, int context) {
    this.top = top;
    this.pool = pool;
    this.tail = tail;
    this.powerSums = powerSums;
    this.bases = bases;
    this.context = context;
  }

  /**
   * Adds one excerpt to the j-th neuron's statistics, given its max activation and power sums as
   * {@link ScalarKernel#moments} wrote them at {@code out[0..4][o]}; its activations, needed only
   * if it is kept, are {@code source[start + t * stride]}, or absent for a negative start (then
   * only the tail and the sums see it).
   */
  void add(int j, int id, double[][] out, int o, float[] source, int start, int stride) {
    for (int power = 0; power < 4; power++) {
      powerSums.add(j * 4 + power, out[power + 1][o]);
    }
    offer(j, id, (float) out[0][o], source, start, stride);
  }

  /** Adds power sums a batch summed on the device for neuron {@code j}: x .. x^4, in order. */
  void addSums(int j, double[] sums, int at) {
    for (int p = 0; p < 4; p++) {
      powerSums.add(j * 4 + p, sums[at + p]);
    }
  }

  /** {@link #add} but for the power sums: the excerpt's max offered to the heaps and the tail. */
  void offer(int j, int id, float m, float[] source, int start, int stride) {
    long topKey = SampleHash.topPriority(m, id);
    // A negative start: a reduced batch left the activations on the device, as the bounds allow.
    if (start >= 0) {
      keep(top, j, topKey, m, source, start, stride);
      keep(pool, j, SampleHash.priority(bases[j], id), m, source, start, stride);
    }
    if (tail.accepts(j, topKey)) {
      tail.offer(j, topKey, m);
    }
  }

  /**
   * Offers the excerpt to {@code heap} under {@code key}; if it enters, copies its activations,
   * {@code source[start + t * stride]}, into the heap's buffer.
   */
  void keep(BottomK heap, int j, long key, float m, float[] source, int start, int stride) {
    if (!heap.accepts(j, key)) {
      return;
    }
    int at = heap.offer(j, key, m);
    if (at < 0) {
      return;
    }
    float[] buffer = heap.activationBuffer();
    if (stride == 1) {
      System.arraycopy(source, start, buffer, at, context);
    } else {
      for (int t = 0; t < context; t++) {
        buffer[at + t] = source[start + t * stride];
      }
    }
  }
}
