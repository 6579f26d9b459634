package org.neuronexplainer.worker.capture.stats;

/**
 * The second pass of two-pass quantiles over one layer: per neuron the boundaries its first pass
 * fixed, and per quantile bucket a sample of the excerpts whose max falls in it.
 */
final class SecondPass {
  private final long[] boundaryKeys; // per neuron the BUCKETS - 1 boundary keys, descending
  final BottomK[] bucketSamples;
  private final long[] bases;
  private final ExcerptOffers offers;
  long excerpts;

  private SecondPass(long[] boundaryKeys, BottomK[] bucketSamples, long[] bases) {
    this.boundaryKeys = boundaryKeys;
    this.bucketSamples = bucketSamples;
    this.bases = bases;
    this.offers = new ExcerptOffers(null, null, null, null, bases, bucketSamples[0].context());
  }

  /** Fixes each neuron's boundaries from what {@code stats}'s complete first pass kept. */
  static SecondPass after(LayerStats stats, long[] bases) {
    int n = stats.neurons.length;
    long[] keys = new long[n * (Quantiles.BUCKETS - 1)];
    for (int j = 0; j < n && stats.excerpts > 0; j++) {
      long[] k = RecordAssembler.boundaries(stats, j).keys();
      System.arraycopy(k, 0, keys, j * k.length, k.length);
    }
    BottomK[] samples = new BottomK[Quantiles.BUCKETS];
    int capacity = (int) Math.min(stats.settings.random(), Math.max(1, stats.excerpts));
    for (int b = 0; b < samples.length; b++) {
      samples[b] = new BottomK(n, capacity, stats.settings.context());
    }
    return new SecondPass(keys, samples, bases);
  }

  /**
   * Offers the excerpt, whose activations for neuron {@code j} are {@code scratch[offset .. offset
   * + length)}, to the sample of the bucket its max falls in.
   */
  void sample(int j, int id, float[] scratch, int offset, int length) {
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
    offers.keep(bucketSamples[bucket], j, SampleHash.priority(bases[j], id), m, scratch, offset, 1);
  }
}
