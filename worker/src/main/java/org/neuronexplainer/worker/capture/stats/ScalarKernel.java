package org.neuronexplainer.worker.capture.stats;

/**
 * One excerpt's per-neuron work in plain Java: the token sums, and the max and sums of x, x^2, x^3
 * and x^4 of each neuron's activations, in double, token by token. {@link VectorKernel} does the
 * same operations in the same order, 8 neurons at a time.
 *
 * <p>An excerpt's activations are {@code data[base + t * width + column]} for token t; its tokens'
 * rows of the token table are {@code slabs[t]} from {@code offsets[t]} (a null slab: no sums, as in
 * the second pass of two-pass quantiles).
 */
final class ScalarKernel {
  private ScalarKernel() {}

  /**
   * Copies the excerpt's activations of neurons [from, to) into {@code scratch}, neuron-major (the
   * neuron at index j gets {@code scratch[j * length .. j * length + length)}), and adds them to
   * the token sums on the way: the activations are read once, token by token, in memory order.
   * {@code columns[j]} is the j-th neuron's column, or null when neuron j is column j.
   */
  static void gather(
      float[] data,
      int base,
      int width,
      int length,
      long[][] slabs,
      int[] offsets,
      int[] columns,
      int from,
      int to,
      float[] scratch) {
    for (int t = 0; t < length; t++) {
      int offset = base + t * width;
      long[] row = slabs[t];
      int rowOffset = offsets[t];
      if (row == null) {
        for (int j = from; j < to; j++) {
          scratch[j * length + t] = data[offset + (columns == null ? j : columns[j])];
        }
        continue;
      }
      for (int j = from; j < to; j++) {
        float x = data[offset + (columns == null ? j : columns[j])];
        scratch[j * length + t] = x;
        row[rowOffset + j] += TokenTable.fixed(x);
      }
    }
  }

  /** {@link VectorKernel}'s work for one neuron, the one in column j: token sums, then moments. */
  static void column(
      float[] data,
      int base,
      int width,
      int length,
      long[][] slabs,
      int[] offsets,
      int j,
      double[][] out,
      int o) {
    for (int t = 0; t < length; t++) {
      long[] row = slabs[t];
      if (row != null) {
        row[offsets[t] + j] += TokenTable.fixed(data[base + t * width + j]);
      }
    }
    moments(data, base + j, width, length, out, o);
  }

  /**
   * The max and the sums of x, x^2, x^3 and x^4 of {@code source[start + t * stride]} for t below
   * {@code length}, in double, token by token, into {@code out[0..4][o]}.
   */
  static void moments(float[] source, int start, int stride, int length, double[][] out, int o) {
    double max = Double.NEGATIVE_INFINITY;
    double p1 = 0;
    double p2 = 0;
    double p3 = 0;
    double p4 = 0;
    for (int t = 0; t < length; t++) {
      double x = source[start + t * stride];
      double x2 = x * x;
      max = x > max ? x : max;
      p1 += x;
      p2 += x2;
      p3 += x2 * x;
      p4 += x2 * x2;
    }
    out[0][o] = max;
    out[1][o] = p1;
    out[2][o] = p2;
    out[3][o] = p3;
    out[4][o] = p4;
  }
}
