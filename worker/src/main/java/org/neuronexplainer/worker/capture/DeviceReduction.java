package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Reduces a batch's activations at one hook on the device they were computed on, with the engine's
 * own operations: per excerpt and neuron the max and the power sums, per distinct token the token
 * table's sums, and, of the excerpts the bounds let through, the activations. Only these come to
 * the host: {@code [batch, neurons]} maxima, four float64 sums, a row of longs per distinct token
 * and the candidates' activations, instead of every activation.
 *
 * <p>Each number is the one the host's statistics compute from the copied activations: the maxima
 * are the same floats, the token sums the same integers (each activation truncated to the same
 * fixed point, then summed exactly in int64). The power sums hold the same float64 terms (x, x^2,
 * x^2 * x, x^2 * x^2 of each float activation) summed in the engine's order rather than token by
 * token, so each may differ from the host's in its last bits: at most context x 2^-53 of the sum of
 * the terms' magnitudes.
 */
final class DeviceReduction {
  /** The token table's fixed point: steps of 2^-24 (TokenTable). */
  private static final double FIXED_SCALE = 1 << 24;

  private DeviceReduction() {}

  /**
   * Reduces the first {@code bounds.topFloor().length} columns of {@code activations}, {@code
   * [batch, context, neurons]} in any floating type, within a scope of its own: nothing is left in
   * the pass's manager, and {@code activations} itself is only read (the forward pass may still be
   * using it).
   */
  static ReducedBatch reduce(NDArray activations, DeviceBounds bounds) {
    return reduce(activations, bounds, null);
  }

  /**
   * As {@link #reduce(NDArray, DeviceBounds)}, with the token sums added to {@code resident}, where
   * it is not null, instead of copied out: the batch then comes back with no token rows.
   */
  static ReducedBatch reduce(NDArray activations, DeviceBounds bounds, ResidentSums resident) {
    Shape shape = activations.getShape();
    int batch = Math.toIntExact(shape.get(0));
    int context = Math.toIntExact(shape.get(1));
    // Statistics of the first n neurons read the first n columns.
    int width = bounds.topFloor().length;
    if (bounds.tokens().length != batch || width > shape.get(2)) {
      throw new IllegalArgumentException(
          "bounds for "
              + bounds.tokens().length
              + " excerpts and "
              + bounds.topFloor().length
              + " neurons, activations "
              + shape);
    }
    try (NDManager scope = activations.getManager().newSubManager()) {
      // A copy in float32 (the statistics' type whatever the pass computes in), owned here.
      NDArray columns =
          width == shape.get(2) ? activations : activations.get(new NDIndex(":, :, :{}", width));
      NDArray x = columns.toType(DataType.FLOAT32, true);
      x.attach(scope);
      if (columns != activations) {
        columns.attach(scope);
      }
      NDArray max = x.max(new int[] {1});
      float[] maxima = max.toFloatArray();

      NDArray d = x.toType(DataType.FLOAT64, false);
      NDArray d2 = d.mul(d);
      // Per excerpt, [batch, width, 4]; or over the whole batch, [width, 4].
      int[] over = bounds.batchMoments() ? new int[] {0, 1} : new int[] {1};
      NDArray powers =
          NDArrays.stack(
              new NDList(d.sum(over), d2.sum(over), d2.mul(d).sum(over), d2.mul(d2).sum(over)),
              over.length == 2 ? 1 : 2);
      double[] sums = powers.toDoubleArray();

      TokenOrder order = TokenOrder.of(bounds.tokens());
      NDArray fixed =
          d.mul(FIXED_SCALE).toType(DataType.INT64, false).reshape((long) batch * context, width);
      // Positions grouped by token, summed cumulatively: each group's sum is the difference of
      // the running sums at its end and at the previous group's end (exact in int64).
      NDArray running = fixed.get(scope.create(order.positions())).cumSum(0);
      NDArray atEnds = running.get(scope.create(order.ends()));
      int[] tokens = order.tokens();
      long[] tokenSums;
      if (resident == null) {
        tokenSums = atEnds.toLongArray();
        for (int u = tokens.length - 1; u > 0; u--) {
          for (int j = 0; j < width; j++) {
            tokenSums[u * width + j] -= tokenSums[(u - 1) * width + j];
          }
        }
      } else {
        NDArray perToken =
            tokens.length == 1
                ? atEnds
                : atEnds
                    .get(new NDIndex("0:1"))
                    .concat(atEnds.get(new NDIndex("1:")).sub(atEnds.get(new NDIndex(":-1"))), 0);
        long[] ids = new long[tokens.length];
        for (int u = 0; u < ids.length; u++) {
          ids[u] = tokens[u];
        }
        resident.add(scope.create(ids), perToken, scope);
        tokens = new int[0];
        tokenSums = new long[0];
      }

      int[] rows = candidates(scope, max, bounds, batch, width);
      float[] kept = new float[0];
      if (rows.length > 0) {
        long[] index = new long[rows.length];
        for (int r = 0; r < rows.length; r++) {
          index[r] = rows[r];
        }
        NDArray byNeuron = x.transpose(0, 2, 1).reshape((long) batch * width, context);
        kept = byNeuron.get(scope.create(index)).toFloatArray();
      }
      return new ReducedBatch(batch, context, width, maxima, sums, tokens, tokenSums, rows, kept);
    }
  }

  /**
   * The (excerpt, neuron) pairs, {@code b * width + j}, whose activations the statistics may keep:
   * among the batch's {@code topK} highest maxima of the neuron and at least its floor, or let into
   * its pool.
   */
  private static int[] candidates(
      NDManager scope, NDArray max, DeviceBounds bounds, int batch, int width) {
    NDArray top = max.gte(scope.create(bounds.topFloor()));
    if (bounds.topK() < batch) {
      NDArray kth = max.topK(bounds.topK(), 0, true, true).get(0).get(bounds.topK() - 1);
      top = top.logicalAnd(max.gte(kth));
    }
    NDArray sampled = scope.create(bounds.sampled(), new Shape(batch, width));
    boolean[] keep = top.logicalOr(sampled).toBooleanArray();
    int count = 0;
    for (boolean k : keep) {
      count += k ? 1 : 0;
    }
    int[] rows = new int[count];
    for (int i = 0, r = 0; i < keep.length; i++) {
      if (keep[i]) {
        rows[r++] = i;
      }
    }
    return rows;
  }

  /** Where a hook's token sums stay on the device: {@link DeviceTokenSums} for one hook. */
  interface ResidentSums {
    /**
     * Adds {@code sums}, {@code [tokens, neurons]}, to the rows of the token ids {@code tokens}.
     */
    void add(NDArray tokens, NDArray sums, NDManager scope);
  }

  /**
   * A batch's token positions grouped by token id: {@code positions} in token order (stable), and
   * for each distinct token, ascending, the index in {@code positions} of its group's last one.
   */
  record TokenOrder(int[] tokens, long[] positions, long[] ends) {
    static TokenOrder of(int[][] tokenIds) {
      int context = tokenIds[0].length;
      int count = tokenIds.length * context;
      long[] keyed = new long[count];
      for (int p = 0; p < count; p++) {
        // Token in the high half, position in the low: sorting keeps each token's positions in
        // order.
        keyed[p] = ((long) tokenIds[p / context][p % context] << 32) | p;
      }
      Arrays.sort(keyed);
      long[] positions = new long[count];
      int distinct = 0;
      for (int i = 0; i < count; i++) {
        positions[i] = keyed[i] & 0xFFFFFFFFL;
        if (i + 1 == count || keyed[i + 1] >>> 32 != keyed[i] >>> 32) {
          distinct++;
        }
      }
      int[] tokens = new int[distinct];
      long[] ends = new long[distinct];
      for (int i = 0, u = 0; i < count; i++) {
        if (i + 1 == count || keyed[i + 1] >>> 32 != keyed[i] >>> 32) {
          tokens[u] = (int) (keyed[i] >>> 32);
          ends[u++] = i;
        }
      }
      return new TokenOrder(tokens, positions, ends);
    }
  }
}
