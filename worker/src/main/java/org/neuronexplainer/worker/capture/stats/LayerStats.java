package org.neuronexplainer.worker.capture.stats;

import java.util.Arrays;
import org.neuronexplainer.worker.capture.DeviceBounds;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ReducedBatch;

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
  /** Neurons per part of a batch ({@link #begin}): a part's scratch stays in the L2 cache. */
  static final int PART = 256;

  final int layer;
  final int[] neurons;
  final CaptureSettings settings;
  final BottomK top;
  final BottomK pool;
  final BottomK tail; // keys only: the highest maxima, for exact quantile boundaries
  final ExactSums powerSums; // [neuron][power 1..4]
  final TokenTable tokens;
  long excerpts;
  // Excerpts the pool's bounds counted on (forExcerpts): the records are complete only after them.
  private long promised;
  private long secondPassExcerpts;
  private long excerptsSinceCarry;
  private final long[] bases;
  private final boolean dense; // every neuron of the layer, in order: column j is neuron j
  // First-pass batches of dense statistics run in VectorKernel; tests switch it off to compare.
  boolean vectorized;
  // One excerpt's activations: neuron-major, [neuron][context], in the scalar loop; in the vector
  // loop, per group of 8 neurons, token-major, [group][context][8] (VectorKernel.run).
  private float[] scratch;
  // The second pass of two-pass quantiles: per neuron the 4 boundary keys, per bucket a sample.
  private long[] boundaryKeys;
  BottomK[] bucketSamples;

  LayerStats(
      int layer,
      int[] neurons,
      CaptureSettings settings,
      int vocabSize,
      int topCapacity,
      int poolCapacity,
      int tailCapacity) {
    this.layer = layer;
    this.neurons = neurons.clone();
    this.settings = settings;
    int n = neurons.length;
    int context = settings.context();
    this.top = new BottomK(n, topCapacity, context);
    this.pool = new BottomK(n, poolCapacity, context);
    this.tail = new BottomK(n, tailCapacity, 0);
    this.powerSums = new ExactSums(n * 4);
    this.tokens = new TokenTable(vocabSize, n);
    this.bases = new long[n];
    for (int j = 0; j < n; j++) {
      bases[j] = SampleHash.base(settings.seed(), layer, neurons[j]);
    }
    boolean identity = true;
    for (int j = 0; j < n; j++) {
      identity &= neurons[j] == j;
    }
    this.dense = identity;
    this.vectorized = Kernels.VECTOR && identity;
  }

  /** Which inner loop this JVM's statistics use: "vector" or "scalar" (see {@code Kernels}). */
  public static String kernel() {
    return Kernels.describe();
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
        Math.min(settings.pool(), excerptCount),
        Math.min(settings.quantileKeys(), excerptCount));
  }

  /**
   * Empty statistics for a run that will add the excerpts {@code ids}, every one of them, and may
   * add others after them: sized as {@link #create} sizes them for that many, with each neuron's
   * pool refusing at once what these excerpts would later push out of it. The pool's sampling
   * priorities do not depend on the activations, so before the run starts its bar is known: the
   * {@code pool}-th smallest priority among {@code ids}. Without it, the first few hundred excerpts
   * enter every neuron's pool, their activations copied, and most of them leave again. What the
   * statistics hold once every id was added is what {@link #create}'s would hold; reading records
   * before that is refused ({@link #requireComplete}).
   */
  public static LayerStats forExcerpts(
      int layer, int[] neurons, CaptureSettings settings, int vocabSize, int[] ids) {
    LayerStats stats = create(layer, neurons, settings, vocabSize, ids.length);
    stats.promised = ids.length;
    if (ids.length > settings.pool()) {
      long[] work = new long[ids.length];
      for (int j = 0; j < neurons.length; j++) {
        stats.pool.bound(j, SampleHash.kthPriority(stats.bases[j], ids, settings.pool(), work));
      }
    }
    return stats;
  }

  /**
   * Throws unless every excerpt the pool's bounds counted on ({@link #forExcerpts}) was added:
   * before that, the pool lacks excerpts still to come.
   */
  void requireComplete() {
    if (excerpts < promised) {
      throw new IllegalStateException(
          "layer "
              + layer
              + ": "
              + excerpts
              + " of the "
              + promised
              + " excerpts these statistics were made for were added; the pools are complete only"
              + " after all of them");
    }
  }

  /**
   * Turns these first-pass statistics into the second pass of two-pass quantiles: fixes each
   * neuron's boundaries from what the first pass kept and makes an empty per-bucket sample; {@link
   * #accept} then only samples the buckets. Call on the merged statistics of the whole corpus.
   */
  public void startSecondPass() {
    requireComplete();
    if (!settings.twoPassQuantiles()) {
      throw new IllegalStateException("these settings sample the quantile buckets in one pass");
    }
    if (boundaryKeys != null) {
      throw new IllegalStateException("the second pass has started already");
    }
    int n = neurons.length;
    long[] keys = new long[n * (Quantiles.BUCKETS - 1)];
    for (int j = 0; j < n && excerpts > 0; j++) {
      long[] k = RecordAssembler.boundaries(this, j).keys();
      System.arraycopy(k, 0, keys, j * k.length, k.length);
    }
    bucketSamples = new BottomK[Quantiles.BUCKETS];
    int capacity = (int) Math.min(settings.random(), Math.max(1, excerpts));
    for (int b = 0; b < bucketSamples.length; b++) {
      bucketSamples[b] = new BottomK(n, capacity, settings.context());
    }
    boundaryKeys = keys;
    secondPassExcerpts = 0;
  }

  /** Whether the second pass has started ({@link #startSecondPass}). */
  public boolean inSecondPass() {
    return boundaryKeys != null;
  }

  /** Excerpts seen by the second pass; it must see all of them. */
  public long secondPassExcerpts() {
    return secondPassExcerpts;
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

  /**
   * The {@code j}-th neuron's largest activation over the excerpts added so far, or negative
   * infinity before any: the first of its top excerpts.
   */
  public float maxActivation(int j) {
    float max = Float.NEGATIVE_INFINITY;
    for (BottomK.Entry entry : top.sorted(j)) {
      max = Math.max(max, entry.max());
    }
    return max;
  }

  public long excerpts() {
    return excerpts;
  }

  /**
   * Adds a batch: {@code activations} is {@code [batch, context, all neurons of the layer]}, {@code
   * ids[b]} the excerpt id and {@code tokenIds[b]} the tokens of row b.
   */
  public void accept(int[] ids, int[][] tokenIds, FloatTensor activations) {
    Batch batch = begin(ids, tokenIds, activations);
    for (int part = 0; part < batch.parts(); part++) {
      batch.run(part);
    }
    batch.finish();
  }

  /**
   * Starts adding a batch (see {@link #accept}) and returns its work cut into parts over disjoint
   * neuron ranges. The parts may run in any order and concurrently with each other (each touches
   * only its own neurons' state), but not with another batch of this layer; {@link Batch#finish}
   * must follow them. The result does not depend on how the parts were run.
   */
  public Batch begin(int[] ids, int[][] tokenIds, FloatTensor activations) {
    int length = activations.dim(1);
    if (activations.dim(0) != ids.length
        || tokenIds.length != ids.length
        || length != settings.context()) {
      throw new IllegalArgumentException(
          "activations " + activations + " do not match " + ids.length + " excerpts");
    }
    int n = neurons.length;
    if (scratch == null) {
      scratch = new float[n * length];
    }
    // Rows of the token table are created and counted here, once; parts only add to them.
    long[][][] slabs = new long[ids.length][length][];
    int[][] offsets = new int[ids.length][length];
    for (int b = 0; b < ids.length && !inSecondPass(); b++) {
      for (int t = 0; t < length; t++) {
        int token = tokenIds[b][t];
        tokens.countOccurrence(token);
        slabs[b][t] = tokens.slab(token);
        offsets[b][t] = tokens.offset(token);
      }
    }
    return new Batch(ids.clone(), slabs, offsets, activations, null);
  }

  /**
   * Whether a batch may be reduced on the device ({@link #deviceBounds}): first-pass statistics of
   * every neuron of the layer, in order.
   */
  public boolean reducible() {
    return dense && !inSecondPass();
  }

  /**
   * What the device may leave out of the batch of excerpts {@code ids}: per neuron the floor of its
   * top excerpts, and per excerpt whether its sampling priority lets it into the neuron's pool.
   * Read while an earlier batch's statistics may still run: every bound only tightens as excerpts
   * are added, so one read a batch early is looser, never wrong. With {@code residentTokenSums} the
   * token sums stay on the device until {@link #addTokenSums}.
   */
  public DeviceBounds deviceBounds(
      int[] ids, int[][] tokenIds, boolean residentTokenSums, boolean batchMoments) {
    if (!reducible()) {
      throw new IllegalStateException("layer " + layer + ": only dense first passes reduce");
    }
    int n = neurons.length;
    float[] floor = new float[n];
    boolean[] sampled = new boolean[ids.length * n];
    for (int j = 0; j < n; j++) {
      floor[j] = top.floor(j);
      for (int b = 0; b < ids.length; b++) {
        sampled[b * n + j] = pool.accepts(j, SampleHash.priority(bases[j], ids[b]));
      }
    }
    return new DeviceBounds(
        tokenIds, top.capacity(), floor, sampled, residentTokenSums, batchMoments);
  }

  /**
   * Starts adding a batch the device reduced within {@link #deviceBounds} (see {@link #begin}): the
   * same statistics as from its activations, but for the power sums' last bits (see {@code
   * DeviceReduction}).
   */
  public Batch begin(int[] ids, int[][] tokenIds, ReducedBatch reduced) {
    if (!reducible()
        || reduced.batch() != ids.length
        || tokenIds.length != ids.length
        || reduced.width() != neurons.length
        || reduced.context() != settings.context()) {
      throw new IllegalArgumentException(
          "a reduced batch of "
              + reduced.batch()
              + " x "
              + reduced.width()
              + " does not match "
              + ids.length
              + " excerpts of layer "
              + layer);
    }
    for (int[] excerpt : tokenIds) {
      for (int token : excerpt) {
        tokens.countOccurrence(token);
      }
    }
    int distinct = reduced.tokens().length;
    long[][][] slabs = new long[1][distinct][];
    int[][] offsets = new int[1][distinct];
    for (int u = 0; u < distinct; u++) {
      slabs[0][u] = tokens.slab(reduced.tokens()[u]);
      offsets[0][u] = tokens.offset(reduced.tokens()[u]);
    }
    return new Batch(ids.clone(), slabs, offsets, null, reduced);
  }

  /** The tokens the excerpts added so far hold, ascending: the token table's rows. */
  public int[] tokensSeen() {
    return tokens.tokensSeen();
  }

  /**
   * Adds token sums the device kept for these statistics' batches ({@link
   * DeviceBounds#residentTokenSums}): {@code sums[i * neurons + j]} to token {@code tokens[i]}'s
   * row, each a token seen. Call between batches.
   */
  public void addTokenSums(int[] tokenIds, long[] sums) {
    if (sums.length != (long) tokenIds.length * neurons.length) {
      throw new IllegalArgumentException(
          sums.length
              + " token sums for "
              + tokenIds.length
              + " tokens of "
              + neurons.length
              + " neurons");
    }
    tokens.addSums(tokenIds, sums);
  }

  /** One batch's work for one layer, in parts over neuron ranges; see {@link #begin}. */
  public final class Batch {
    private final int[] ids;
    private final long[][][] slabs; // [excerpt][token] -> the slab holding the token's row of sums
    private final int[][] offsets; // [excerpt][token] -> where that row starts in the slab
    private final float[] data;
    private final int width;
    // A batch reduced on the device: its slabs and offsets are per distinct token, [0][u].
    private final ReducedBatch reduced;

    private Batch(
        int[] ids,
        long[][][] slabs,
        int[][] offsets,
        FloatTensor activations,
        ReducedBatch reduced) {
      this.ids = ids;
      this.slabs = slabs;
      this.offsets = offsets;
      this.data = activations == null ? null : activations.data();
      this.width = activations == null ? reduced.width() : activations.dim(2);
      this.reduced = reduced;
    }

    public int parts() {
      return (neurons.length + PART - 1) / PART;
    }

    /** Updates the neurons of part {@code part} with every excerpt of the batch, in order. */
    public void run(int part) {
      int from = part * PART;
      int to = Math.min(neurons.length, from + PART);
      int length = settings.context();
      boolean second = inSecondPass();
      if (reduced != null) {
        runReduced(from, to);
        return;
      }
      if (vectorized && !second) {
        runVectorized(from, to, length);
        return;
      }
      double[][] out = new double[5][1];
      int[] columns = dense ? null : neurons;
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
          if (second) {
            sample(j, ids[b], j * length, length);
          } else {
            ScalarKernel.moments(scratch, j * length, 1, length, out, 0);
            add(j, ids[b], out, 0, scratch, j * length, 1);
          }
        }
      }
    }

    /**
     * The first pass over neurons [from, to): {@link VectorKernel} takes 8 neurons at a time
     * straight from the activations, and leaves them in the scratch for the kept excerpts' copies;
     * a scalar loop takes the rest.
     */
    private void runVectorized(int from, int to, int length) {
      double[][] out = new double[5][to - from]; // max, then the sums of x .. x^4
      int steps = (to - from) / VectorKernel.LANES;
      int rest = from + steps * VectorKernel.LANES;
      for (int b = 0; b < ids.length; b++) {
        int base = b * length * width;
        VectorKernel.run(
            data, base, width, length, slabs[b], offsets[b], from, steps, out, scratch);
        for (int j = rest; j < to; j++) {
          ScalarKernel.column(data, base, width, length, slabs[b], offsets[b], j, out, j - from);
        }
        for (int j = from; j < rest; j++) {
          int lane = (j - from) % VectorKernel.LANES;
          int tileAt = (j - lane) * length + lane;
          add(j, ids[b], out, j - from, scratch, tileAt, VectorKernel.LANES);
        }
        for (int j = rest; j < to; j++) {
          add(j, ids[b], out, j - from, data, base + j, width);
        }
      }
    }

    /**
     * The first pass over neurons [from, to) from a reduced batch: the token sums added per
     * distinct token, each excerpt's max and power sums added as the kernels' would be. An excerpt
     * whose activations were not copied is outside the bounds, so no heap keeps it: it is offered
     * only to the keys of the quantile tail.
     */
    private void runReduced(int from, int to) {
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
          for (int p = 0; p < 4; p++) {
            powerSums.add(j * 4 + p, sums[j * 4 + p]);
          }
        }
      }
      for (int b = 0; b < ids.length; b++) {
        for (int j = from; j < to; j++) {
          int cell = b * width + j;
          if (reduced.summedOverBatch()) {
            offer(j, ids[b], max[cell], reduced.activations(), reduced.rowStart(b, j), 1);
            continue;
          }
          out[0][0] = max[cell];
          for (int p = 0; p < 4; p++) {
            out[p + 1][0] = sums[cell * 4 + p];
          }
          add(j, ids[b], out, 0, reduced.activations(), reduced.rowStart(b, j), 1);
        }
      }
    }

    /** Ends the batch; call after every part has run. */
    public void finish() {
      if (inSecondPass()) {
        secondPassExcerpts += ids.length;
        return;
      }
      excerpts += ids.length;
      excerptsSinceCarry += ids.length;
      if (excerptsSinceCarry >= ExactSums.CARRY_EVERY / 2) {
        powerSums.carryAll();
        excerptsSinceCarry = 0;
      }
    }
  }

  /**
   * Adds one excerpt to the j-th neuron's statistics, given its max activation and power sums as
   * {@link ScalarKernel#moments} wrote them at {@code out[0..4][o]}; its activations, needed only
   * if it is kept, are {@code source[start + t * stride]}, or absent for a negative start (then
   * only the tail and the sums see it).
   */
  private void add(int j, int id, double[][] out, int o, float[] source, int start, int stride) {
    for (int power = 0; power < 4; power++) {
      powerSums.add(j * 4 + power, out[power + 1][o]);
    }
    offer(j, id, (float) out[0][o], source, start, stride);
  }

  /** {@link #add} but for the power sums: the excerpt's max offered to the heaps and the tail. */
  private void offer(int j, int id, float m, float[] source, int start, int stride) {
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

  /** The second pass: offers the excerpt to the sample of the neuron's bucket it falls in. */
  private void sample(int j, int id, int offset, int length) {
    float m = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < length; t++) {
      float x = scratch[offset + t];
      m = x > m ? x : m;
    }
    long topKey = SampleHash.topPriority(m, id);
    int base = j * (Quantiles.BUCKETS - 1);
    int bucket = 0;
    while (bucket < Quantiles.BUCKETS - 1
        && Long.compareUnsigned(topKey, boundaryKeys[base + bucket]) <= 0) {
      bucket++;
    }
    keep(bucketSamples[bucket], j, SampleHash.priority(bases[j], id), m, scratch, offset, 1);
  }

  private void keep(BottomK heap, int j, long key, float m, float[] source, int start, int stride) {
    if (!heap.accepts(j, key)) {
      return;
    }
    int at = heap.offer(j, key, m);
    if (at < 0) {
      return;
    }
    float[] buffer = heap.activationBuffer();
    int length = settings.context();
    if (stride == 1) {
      System.arraycopy(source, start, buffer, at, length);
    } else {
      for (int t = 0; t < length; t++) {
        buffer[at + t] = source[start + t * stride];
      }
    }
  }

  /** Bytes of the arrays these statistics hold now (the first pass's), for {@link StatsMemory}. */
  long arrayBytes() {
    return top.arrayBytes()
        + pool.arrayBytes()
        + tail.arrayBytes()
        + powerSums.arrayBytes()
        + tokens.arrayBytes()
        + bases.length * 8L
        + (scratch == null ? 0 : scratch.length * 4L);
  }

  /** Adds another shard's statistics of the same layer and neurons. */
  public void addAll(LayerStats other) {
    requireComplete();
    other.requireComplete();
    if (other.layer != layer
        || !Arrays.equals(other.neurons, neurons)
        || !other.settings.equals(settings)) {
      throw new IllegalArgumentException("partials of different layers, neurons or settings");
    }
    if (inSecondPass() || other.inSecondPass()) {
      throw new IllegalArgumentException("second-pass statistics do not merge");
    }
    top.addAll(other.top);
    pool.addAll(other.pool);
    tail.addAll(other.tail);
    powerSums.addAll(other.powerSums);
    tokens.addAll(other.tokens);
    excerpts += other.excerpts;
  }
}
