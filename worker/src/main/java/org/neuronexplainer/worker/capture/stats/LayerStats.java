package org.neuronexplainer.worker.capture.stats;

import org.neuronexplainer.worker.capture.FloatTensor;

/**
 * What capture keeps for one layer's selected neurons while streaming excerpts, with memory set by
 * the settings and the neuron count, never by the corpus: per neuron the top excerpts by max
 * activation, a pool of excerpts sampled by {@link SampleHash} (the random sample and the quantile
 * buckets come from it), exact power sums of the activations, and the token table.
 *
 * <p>Everything here merges exactly ({@link #addAll}): a shard's partial added to another's gives
 * bit for bit what one pass over both would.
 */
public final class LayerStats {
  final int layer;
  final int[] neurons;
  final CaptureSettings settings;
  final BottomK top;
  final BottomK pool;
  final ExactSums powerSums; // [neuron][power 1..4]
  final TokenTable tokens;
  long excerpts;
  private final long[] bases;
  private final double[] max;
  private final double[][] power;
  private final float[] row;
  private final boolean dense; // every neuron of the layer, in order: no gather needed

  LayerStats(
      int layer,
      int[] neurons,
      CaptureSettings settings,
      int vocabSize,
      int topCapacity,
      int poolCapacity) {
    this.layer = layer;
    this.neurons = neurons.clone();
    this.settings = settings;
    int n = neurons.length;
    int context = settings.context();
    this.top = new BottomK(n, topCapacity, context);
    this.pool = new BottomK(n, poolCapacity, context);
    this.powerSums = new ExactSums(n * 4);
    this.tokens = new TokenTable(vocabSize, n);
    this.bases = new long[n];
    for (int j = 0; j < n; j++) {
      bases[j] = SampleHash.base(settings.seed(), layer, neurons[j]);
    }
    this.max = new double[n];
    this.power = new double[4][n];
    this.row = new float[n];
    boolean identity = true;
    for (int j = 0; j < n; j++) {
      identity &= neurons[j] == j;
    }
    this.dense = identity;
  }

  /**
   * Empty statistics sized for a shard of {@code excerptCount} excerpts: heaps never hold more
   * entries than there are excerpts.
   */
  public static LayerStats create(
      int layer, int[] neurons, CaptureSettings settings, int vocabSize, int excerptCount) {
    return new LayerStats(
        layer,
        neurons,
        settings,
        vocabSize,
        Math.min(settings.top(), excerptCount),
        Math.min(settings.pool(), excerptCount));
  }

  public int layer() {
    return layer;
  }

  public int[] neurons() {
    return neurons.clone();
  }

  public int vocabSize() {
    return tokens.vocabSize();
  }

  public long excerpts() {
    return excerpts;
  }

  /**
   * Adds a batch: {@code activations} is {@code [batch, context, all neurons of the layer]}, {@code
   * ids[b]} the excerpt id and {@code tokenIds[b]} the tokens of row b.
   */
  public void accept(int[] ids, int[][] tokenIds, FloatTensor activations) {
    int batch = activations.dim(0);
    int length = activations.dim(1);
    int width = activations.dim(2);
    if (batch != ids.length || length != settings.context()) {
      throw new IllegalArgumentException(
          "activations " + activations + " do not match " + ids.length + " excerpts");
    }
    float[] data = activations.data();
    int n = neurons.length;
    double[] p1 = power[0];
    double[] p2 = power[1];
    double[] p3 = power[2];
    double[] p4 = power[3];
    for (int b = 0; b < batch; b++) {
      java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
      for (double[] p : power) {
        java.util.Arrays.fill(p, 0);
      }
      for (int t = 0; t < length; t++) {
        // Gathered into a contiguous row once, so the loops below run over plain arrays.
        float[] values = gather(data, (b * length + t) * width);
        tokens.add(tokenIds[b][t], values);
        for (int j = 0; j < n; j++) {
          double x = values[j];
          double x2 = x * x;
          max[j] = x > max[j] ? x : max[j];
          p1[j] += x;
          p2[j] += x2;
          p3[j] += x2 * x;
          p4[j] += x2 * x2;
        }
      }
      for (int j = 0; j < n; j++) {
        powerSums.add(j * 4, p1[j]);
        powerSums.add(j * 4 + 1, p2[j]);
        powerSums.add(j * 4 + 2, p3[j]);
        powerSums.add(j * 4 + 3, p4[j]);
        float m = (float) max[j];
        keep(top, j, SampleHash.topPriority(m, ids[b]), m, data, b, length, width);
        keep(pool, j, SampleHash.priority(bases[j], ids[b]), m, data, b, length, width);
      }
      excerpts++;
    }
  }

  private float[] gather(float[] data, int offset) {
    if (dense) {
      System.arraycopy(data, offset, row, 0, row.length);
    } else {
      for (int j = 0; j < row.length; j++) {
        row[j] = data[offset + neurons[j]];
      }
    }
    return row;
  }

  private void keep(
      BottomK heap, int j, long key, float m, float[] data, int b, int length, int width) {
    if (!heap.accepts(j, key)) {
      return;
    }
    int offset = heap.offer(j, key, m);
    float[] buffer = heap.activationBuffer();
    int column = neurons[j];
    for (int t = 0; t < length; t++) {
      buffer[offset + t] = data[(b * length + t) * width + column];
    }
  }

  /** Adds another shard's statistics of the same layer and neurons. */
  public void addAll(LayerStats other) {
    if (other.layer != layer
        || !java.util.Arrays.equals(other.neurons, neurons)
        || !other.settings.equals(settings)) {
      throw new IllegalArgumentException("partials of different layers, neurons or settings");
    }
    top.addAll(other.top);
    pool.addAll(other.pool);
    powerSums.addAll(other.powerSums);
    tokens.addAll(other.tokens);
    excerpts += other.excerpts;
  }
}
