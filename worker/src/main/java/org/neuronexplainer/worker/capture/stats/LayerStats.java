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
 *
 * <p>A batch's work is a {@link LayerBatch} ({@link #begin}), what each excerpt does to a neuron's
 * heaps and sums is {@link ExcerptOffers}', and the second pass of two-pass quantiles is a {@link
 * SecondPass}.
 */
public final class LayerStats {
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
  private long excerptsSinceCarry;
  private final long[] bases;
  private final boolean dense; // every neuron of the layer, in order: column j is neuron j
  // First-pass batches of dense statistics run in VectorKernel; tests switch it off to compare.
  boolean vectorized;
  private final ExcerptOffers offers;
  // One excerpt's activations: neuron-major, [neuron][context], in the scalar loop; in the vector
  // loop, per group of 8 neurons, token-major, [group][context][8] (VectorKernel.run).
  private float[] scratch;
  // The second pass of two-pass quantiles, once started.
  private SecondPass secondPass;

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
    this.offers = new ExcerptOffers(top, pool, tail, powerSums, bases, context);
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
    if (secondPass != null) {
      throw new IllegalStateException("the second pass has started already");
    }
    secondPass = SecondPass.after(this, bases);
  }

  /** Whether the second pass has started ({@link #startSecondPass}). */
  public boolean inSecondPass() {
    return secondPass != null;
  }

  /** Excerpts seen by the second pass; it must see all of them. */
  public long secondPassExcerpts() {
    return secondPass == null ? 0 : secondPass.excerpts;
  }

  /** The second pass's per-bucket samples, or null before it starts. */
  BottomK[] bucketSamples() {
    return secondPass == null ? null : secondPass.bucketSamples;
  }

  SecondPass secondPass() {
    return secondPass;
  }

  ExcerptOffers offers() {
    return offers;
  }

  float[] scratch() {
    return scratch;
  }

  /** Whether these statistics hold every neuron of the layer, in order: column j is neuron j. */
  boolean dense() {
    return dense;
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
    LayerBatch batch = begin(ids, tokenIds, activations);
    for (int part = 0; part < batch.parts(); part++) {
      batch.run(part);
    }
    batch.finish();
  }

  /**
   * Starts adding a batch (see {@link #accept}) and returns its work cut into parts over disjoint
   * neuron ranges. The parts may run in any order and concurrently with each other (each touches
   * only its own neurons' state), but not with another batch of this layer; {@link
   * LayerBatch#finish} must follow them. The result does not depend on how the parts were run.
   */
  public LayerBatch begin(int[] ids, int[][] tokenIds, FloatTensor activations) {
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
    return new LayerBatch(this, ids.clone(), slabs, offsets, activations, null);
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
  public LayerBatch begin(int[] ids, int[][] tokenIds, ReducedBatch reduced) {
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
    return new LayerBatch(this, ids.clone(), slabs, offsets, null, reduced);
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

  /**
   * Counts a batch of {@code count} excerpts whose parts have all run ({@link LayerBatch#finish}).
   */
  void added(int count) {
    if (inSecondPass()) {
      secondPass.excerpts += count;
      return;
    }
    excerpts += count;
    excerptsSinceCarry += count;
    if (excerptsSinceCarry >= ExactSums.CARRY_EVERY / 2) {
      powerSums.carryAll();
      excerptsSinceCarry = 0;
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
