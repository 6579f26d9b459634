package org.neuronexplainer.worker.capture;

/**
 * One batch's activations at one hook as the device reduced them ({@link DeviceBounds}): what the
 * statistics need of every excerpt, and the activations only of the excerpts they may keep.
 *
 * @param batch excerpts in the batch
 * @param context tokens per excerpt
 * @param width neurons (every column of the hook, in order)
 * @param max per excerpt and neuron, {@code [b * width + j]}: the largest activation
 * @param sums per excerpt and neuron, {@code [(b * width + j) * 4 + p - 1]}: the sum of x^p over
 *     the excerpt's tokens, for p from 1 to 4, in float64; or, {@link #summedOverBatch}, per
 *     neuron, {@code [j * 4 + p - 1]}, the sums over every excerpt of the batch
 * @param tokens the distinct token ids of the batch, ascending
 * @param tokenSums per distinct token and neuron, {@code [u * width + j]}: the sum of the neuron's
 *     activations at that token in the token table's fixed point
 * @param rows the (excerpt, neuron) pairs whose activations were copied, as {@code b * width + j},
 *     ascending
 * @param activations the copied activations, {@code [r * context + t]} for the r-th of {@code rows}
 */
public record ReducedBatch(
    int batch,
    int context,
    int width,
    float[] max,
    double[] sums,
    int[] tokens,
    long[] tokenSums,
    int[] rows,
    float[] activations) {

  public ReducedBatch {
    long cells = (long) batch * width;
    if (max.length != cells
        || (sums.length != cells * 4 && sums.length != width * 4L)
        || tokenSums.length != (long) tokens.length * width
        || activations.length != (long) rows.length * context) {
      throw new IllegalArgumentException(
          "a reduced batch of "
              + batch
              + " x "
              + context
              + " x "
              + width
              + " with parts of sizes"
              + " that do not match it");
    }
  }

  /**
   * Whether the power sums are per neuron over the whole batch rather than per excerpt (for a batch
   * of one, both are the same).
   */
  public boolean summedOverBatch() {
    return sums.length == width * 4 && batch > 1;
  }

  /** Where the activations of excerpt b at neuron j start in {@link #activations}, or -1. */
  public int rowStart(int b, int j) {
    int r = java.util.Arrays.binarySearch(rows, b * width + j);
    return r < 0 ? -1 : r * context;
  }
}
