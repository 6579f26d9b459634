package org.neuronexplainer.common.run;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a run with {@code source=capture} captures: the subject model, the corpus and the capture
 * settings (docs/method.md 1.4 and 2.1), and how the work is cut for the pipeline. A zero (or a
 * missing field in the stored JSON) takes the default, so older and shorter specs read the same.
 *
 * @param model a GPT-2 checkpoint directory (readable by the coordinator and the capture workers)
 *     or a hub id such as {@code gpt2}
 * @param corpus corpus files ({@code .jsonl} with a {@code text} field, or plain UTF-8 text), as
 *     paths the capture workers can read, or {@code store:KEY} for a file in the run's store
 * @param context tokens per excerpt, default 64
 * @param maxExcerpts at most this many excerpts, the first in corpus order; 0 for all
 * @param top top-activating excerpts kept per neuron, default 50
 * @param random excerpts in the random sample and in each quantile bucket, default 50
 * @param pool the per-neuron uniform sample the random sample and the buckets come from, default
 *     250
 * @param seed the sampling seed
 * @param shards corpus shards, default 1: each is captured by its own jobs
 * @param layersPerJob layers one capture job runs (one forward pass serves them all); 0 for every
 *     selected layer of a contiguous range in one job
 * @param collateBlock neurons per collate job, default 512
 * @param batch excerpts per forward pass, default 8; it must divide 64 when there are several
 *     shards, so that sharded batches equal those of one pass
 * @param precision {@code float32} (default) or {@code float16} (GPUs)
 * @param weights also write the weight-based token summaries and related neurons (weights jobs)
 * @param weightsTop K per weight-based list, default 20
 * @param quantileKeys the highest excerpt maxima (keys only, 8 bytes each) each neuron keeps for
 *     exact quantile boundaries, default 512; 0 keeps none (every boundary estimated from the
 *     pool). Unlike the other fields, a missing value (null) takes the default, not a zero
 * @param quantiles how the quantile buckets are sampled: {@code one-pass} (the default; the only
 *     mode pipeline runs support, see {@link #requirePipelineQuantiles}) or {@code two-pass}
 */
public record CaptureRun(
    String model,
    List<String> corpus,
    int context,
    int maxExcerpts,
    int top,
    int random,
    int pool,
    long seed,
    int shards,
    int layersPerJob,
    int collateBlock,
    int batch,
    String precision,
    boolean weights,
    int weightsTop,
    Integer quantileKeys,
    String quantiles) {

  /** Excerpts are dealt to shards in blocks of this many ids (the capture code's block). */
  public static final int SHARD_BLOCK = 64;

  /** Ids of corpus entries that name a file in the run's store rather than a path. */
  public static final String STORE_PREFIX = "store:";

  /** Enough for exact 0.99 and 0.999 boundaries over the paper's 50,000 excerpts. */
  public static final int DEFAULT_QUANTILE_KEYS = 512;

  /** The quantile sampling pipeline runs support. */
  public static final String ONE_PASS = "one-pass";

  /** Quantile buckets sampled in a second pass over the whole corpus. */
  public static final String TWO_PASS = "two-pass";

  private static final Set<String> PRECISIONS = Set.of("float32", "float16");

  // Per neuron and layer the keys live in one array of (neurons x keys) longs.
  private static final int MAX_QUANTILE_KEYS = 10_000_000;

  public CaptureRun {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("capture.model is required: a checkpoint dir or hub id");
    }
    model = model.trim();
    if (corpus == null || corpus.isEmpty()) {
      throw new IllegalArgumentException("capture.corpus is required: one or more corpus files");
    }
    for (String entry : corpus) {
      if (entry == null
          || entry.isBlank()
          || (entry.startsWith(STORE_PREFIX) && entry.length() == STORE_PREFIX.length())) {
        throw new IllegalArgumentException("capture.corpus: an empty file name");
      }
    }
    corpus = List.copyOf(corpus);
    context = orDefault(context, 64, "context", 1, 1 << 16);
    if (maxExcerpts < 0) {
      throw new IllegalArgumentException("capture.maxExcerpts must be 0 (all) or more");
    }
    top = orDefault(top, 50, "top", 1, 100_000);
    random = orDefault(random, 50, "random", 1, 100_000);
    pool = orDefault(pool, Math.max(250, random), "pool", 1, 1_000_000);
    if (pool < random) {
      throw new IllegalArgumentException(
          "capture.pool (" + pool + ") must be at least capture.random (" + random + ")");
    }
    shards = orDefault(shards, 1, "shards", 1, 100_000);
    if (layersPerJob < 0) {
      throw new IllegalArgumentException("capture.layersPerJob must be 0 (all) or more");
    }
    collateBlock = orDefault(collateBlock, 512, "collateBlock", 1, 1 << 20);
    batch = orDefault(batch, 8, "batch", 1, 4096);
    if (shards > 1 && SHARD_BLOCK % batch != 0) {
      throw new IllegalArgumentException(
          "capture.batch "
              + batch
              + " must divide "
              + SHARD_BLOCK
              + " when the corpus is sharded, or shards would batch differently from one pass");
    }
    precision = precision == null ? "float32" : precision.trim().toLowerCase(Locale.ROOT);
    if (!PRECISIONS.contains(precision)) {
      throw new IllegalArgumentException(
          "capture.precision must be float32 or float16, got '" + precision + "'");
    }
    weightsTop = orDefault(weightsTop, 20, "weightsTop", 1, 10_000);
    quantileKeys = quantileKeys == null ? DEFAULT_QUANTILE_KEYS : quantileKeys;
    if (quantileKeys < 0 || quantileKeys > MAX_QUANTILE_KEYS) {
      throw new IllegalArgumentException(
          "capture.quantileKeys must be in 0.." + MAX_QUANTILE_KEYS + ", got " + quantileKeys);
    }
    quantiles = quantiles == null ? ONE_PASS : quantiles.trim().toLowerCase(Locale.ROOT);
    if (!quantiles.equals(ONE_PASS) && !quantiles.equals(TWO_PASS)) {
      throw new IllegalArgumentException(
          "capture.quantiles must be one-pass or two-pass, got '" + quantiles + "'");
    }
  }

  /**
   * Refuses settings the pipeline cannot run: two-pass quantiles need the merged boundaries of the
   * whole corpus back on every shard for a second forward pass, which the pipeline does not do.
   *
   * @throws IllegalArgumentException naming the reason and the alternative
   */
  public void requirePipelineQuantiles() {
    if (quantiles.equals(TWO_PASS)) {
      throw new IllegalArgumentException(
          "capture.quantiles two-pass is not supported by pipeline runs: it needs a second"
              + " forward pass over the whole corpus once every shard's first pass is merged;"
              + " use the capture command for two-pass quantiles, or one-pass here (raise"
              + " quantileKeys for exact boundaries)");
    }
  }

  /** The defaults for a model and corpus. */
  public static CaptureRun of(String model, List<String> corpus) {
    return new CaptureRun(model, corpus, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, 0, null, null);
  }

  private static int orDefault(int value, int fallback, String name, int min, int max) {
    int v = value == 0 ? fallback : value;
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "capture." + name + " must be in " + min + ".." + max + ", got " + value);
    }
    return v;
  }
}
