package org.neuronexplainer.worker.capture.stats;

import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ReducedBatch;

/**
 * One batch's work for one layer's statistics, in parts over neuron ranges; see {@link
 * LayerStats#begin}. The parts may run in any order and concurrently with each other (each touches
 * only its own neurons' state), but not with another batch of the layer; {@link #finish} must
 * follow them.
 */
public final class LayerBatch {
  /** Neurons per part: a part's scratch stays in the L2 cache. */
  static final int PART = 256;

  private final LayerStats stats;
  private final int[] ids;
  private final long[][][] slabs; // [excerpt][token] -> the slab holding the token's row of sums
  private final int[][] offsets; // [excerpt][token] -> where that row starts in the slab
  private final float[] data;
  private final int width;
  // A batch reduced on the device: its slabs and offsets are per distinct token, [0][u].
  private final ReducedBatch reduced;

  LayerBatch(
      LayerStats stats,
      int[] ids,
      long[][][] slabs,
      int[][] offsets,
      FloatTensor activations,
      ReducedBatch reduced) {
    this.stats = stats;
    this.ids = ids;
    this.slabs = slabs;
    this.offsets = offsets;
    this.data = activations == null ? null : activations.data();
    this.width = activations == null ? reduced.width() : activations.dim(2);
    this.reduced = reduced;
  }

  public int parts() {
    return (stats.neurons.length + PART - 1) / PART;
  }

  /** Updates the neurons of part {@code part} with every excerpt of the batch, in order. */
  public void run(int part) {
    int from = part * PART;
    int to = Math.min(stats.neurons.length, from + PART);
    int length = stats.settings.context();
    SecondPass second = stats.secondPass();
    if (reduced != null) {
      runReduced(from, to);
      return;
    }
    if (stats.vectorized && second == null) {
      runVectorized(from, to, length);
      return;
    }
    float[] scratch = stats.scratch();
    ExcerptOffers offers = stats.offers();
    double[][] out = new double[5][1];
    int[] columns = stats.dense() ? null : stats.neurons;
    for (int b = 0; b < ids.length; b++) {
      ScalarKernel.gather(
          data,
          b * length * width,
          width,
          length,
          slabs[b],
          offsets[b],
          columns,
          from,
          to,
          scratch);
      for (int j = from; j < to; j++) {
        if (second != null) {
          second.sample(j, ids[b], scratch, j * length, length);
        } else {
          ScalarKernel.moments(scratch, j * length, 1, length, out, 0);
          offers.add(j, ids[b], out, 0, scratch, j * length, 1);
        }
      }
    }
  }

  /**
   * The first pass over neurons [from, to): {@link VectorKernel} takes 8 neurons at a time straight
   * from the activations, and leaves them in the scratch for the kept excerpts' copies; a scalar
   * loop takes the rest.
   */
  private void runVectorized(int from, int to, int length) {
    float[] scratch = stats.scratch();
    ExcerptOffers offers = stats.offers();
    double[][] out = new double[5][to - from]; // max, then the sums of x .. x^4
    int steps = (to - from) / VectorKernel.LANES;
    int rest = from + steps * VectorKernel.LANES;
    for (int b = 0; b < ids.length; b++) {
      int base = b * length * width;
      VectorKernel.run(data, base, width, length, slabs[b], offsets[b], from, steps, out, scratch);
      for (int j = rest; j < to; j++) {
        ScalarKernel.column(data, base, width, length, slabs[b], offsets[b], j, out, j - from);
      }
      for (int j = from; j < rest; j++) {
        int lane = (j - from) % VectorKernel.LANES;
        int tileAt = (j - lane) * length + lane;
        offers.add(j, ids[b], out, j - from, scratch, tileAt, VectorKernel.LANES);
      }
      for (int j = rest; j < to; j++) {
        offers.add(j, ids[b], out, j - from, data, base + j, width);
      }
    }
  }

  /**
   * The first pass over neurons [from, to) from a reduced batch: the token sums added per distinct
   * token, each excerpt's max and power sums added as the kernels' would be. An excerpt whose
   * activations were not copied is outside the bounds, so no heap keeps it: it is offered only to
   * the keys of the quantile tail.
   */
  private void runReduced(int from, int to) {
    ExcerptOffers offers = stats.offers();
    long[] tokenSums = reduced.tokenSums();
    for (int u = 0; u < slabs[0].length; u++) {
      long[] row = slabs[0][u];
      int at = offsets[0][u];
      for (int j = from; j < to; j++) {
        row[at + j] += tokenSums[u * width + j];
      }
    }
    double[][] out = new double[5][1];
    float[] max = reduced.max();
    double[] sums = reduced.sums();
    if (reduced.summedOverBatch()) {
      for (int j = from; j < to; j++) {
        offers.addSums(j, sums, j * 4);
      }
    }
    for (int b = 0; b < ids.length; b++) {
      for (int j = from; j < to; j++) {
        int cell = b * width + j;
        if (reduced.summedOverBatch()) {
          offers.offer(j, ids[b], max[cell], reduced.activations(), reduced.rowStart(b, j), 1);
          continue;
        }
        out[0][0] = max[cell];
        for (int p = 0; p < 4; p++) {
          out[p + 1][0] = sums[cell * 4 + p];
        }
        offers.add(j, ids[b], out, 0, reduced.activations(), reduced.rowStart(b, j), 1);
      }
    }
  }

  /** Ends the batch; call after every part has run. */
  public void finish() {
    stats.added(ids.length);
  }
}
