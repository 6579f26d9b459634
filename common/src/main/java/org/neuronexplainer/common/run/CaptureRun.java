package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a run with {@code source=capture} captures: the subject model, the corpus and the capture
 * settings (docs/method.md 1.4 and 2.1), and how the work is cut for the pipeline. A zero (or a
 * missing field in the stored JSON) takes the default, so older and shorter specs read the same.
 *
 * @param model a checkpoint directory (readable by the coordinator and the capture workers) or a
 *     hub id such as {@code gpt2} or {@code meta-llama/Llama-3.2-1B} (the coordinator reads its
 *     {@code config.json} from the hub, the workers download it)
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
 * @param sae a sparse autoencoder (SAELens layout) whose latents the run captures and explains
 *     instead of the model's MLP neurons: a directory the coordinator and the capture workers can
 *     read, or an SAE on the hub as {@code hf:owner/name/folder[@revision]} (the coordinator reads
 *     its {@code cfg.json} from the hub, the workers download it); null (absent in older specs) for
 *     the MLP neurons. The run's store is then the SAE's dataset (a store's {@code saes/{name}/}
 *     folder): its latents are written at that store's root, under the SAE's hook layer
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
    String quantiles,
    @JsonInclude(JsonInclude.Include.NON_NULL) String sae) {

  /** Excerpts are dealt to shards in blocks of this many ids (the capture code's block). */
  public static final int SHARD_BLOCK = 64;

  /** Ids of corpus entries that name a file in the run's store rather than a path. */
  public static final String STORE_PREFIX = "store:";

  /** The paper's excerpt length. */
  public static final int DEFAULT_CONTEXT = 64;

  /** The top excerpts the paper's viewer shows. */
  public static final int DEFAULT_TOP = 50;

  public static final int DEFAULT_RANDOM = 50;
  public static final int DEFAULT_POOL = 250;
  public static final int DEFAULT_SHARDS = 1;
  public static final int DEFAULT_COLLATE_BLOCK = 512;
  public static final int DEFAULT_BATCH = 8;
  public static final String DEFAULT_PRECISION = "float32";
  public static final int DEFAULT_WEIGHTS_TOP = 20;

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
    context = orDefault(context, DEFAULT_CONTEXT, "context", 1, 1 << 16);
    if (maxExcerpts < 0) {
      throw new IllegalArgumentException("capture.maxExcerpts must be 0 (all) or more");
    }
    top = orDefault(top, DEFAULT_TOP, "top", 1, 100_000);
    random = orDefault(random, DEFAULT_RANDOM, "random", 1, 100_000);
    pool = orDefault(pool, Math.max(DEFAULT_POOL, random), "pool", 1, 1_000_000);
    if (pool < random) {
      throw new IllegalArgumentException(
          "capture.pool (" + pool + ") must be at least capture.random (" + random + ")");
    }
    shards = orDefault(shards, DEFAULT_SHARDS, "shards", 1, 100_000);
    if (layersPerJob < 0) {
      throw new IllegalArgumentException("capture.layersPerJob must be 0 (all) or more");
    }
    collateBlock = orDefault(collateBlock, DEFAULT_COLLATE_BLOCK, "collateBlock", 1, 1 << 20);
    batch = orDefault(batch, DEFAULT_BATCH, "batch", 1, 4096);
    if (shards > 1 && SHARD_BLOCK % batch != 0) {
      throw new IllegalArgumentException(
          "capture.batch "
              + batch
              + " must divide "
              + SHARD_BLOCK
              + " when the corpus is sharded, or shards would batch differently from one pass");
    }
    precision = precision == null ? DEFAULT_PRECISION : precision.trim().toLowerCase(Locale.ROOT);
    if (!PRECISIONS.contains(precision)) {
      throw new IllegalArgumentException(
          "capture.precision must be float32 or float16, got '" + precision + "'");
    }
    weightsTop = orDefault(weightsTop, DEFAULT_WEIGHTS_TOP, "weightsTop", 1, 10_000);
    quantileKeys = quantileKeys == null ? DEFAULT_QUANTILE_KEYS : quantileKeys;
    if (quantileKeys < 0 || quantileKeys > MAX_QUANTILE_KEYS) {
      throw new IllegalArgumentException(
          "capture.quantileKeys must be in 0.." + MAX_QUANTILE_KEYS + ", got " + quantileKeys);
    }
    sae = sae == null || sae.isBlank() ? null : sae.trim();
    if (sae != null && weights) {
      throw new IllegalArgumentException(
          "capture.weights is for MLP neurons; an SAE run (capture.sae) captures latents only");
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

  /**
   * The defaults for a model and corpus: 64-token excerpts of the whole corpus, 50 top and 50
   * random from a pool of 250, seed 0, one shard, every layer of a range in one job, collate blocks
   * of 512, batches of 8, float32, no weights jobs, 512 quantile keys, one-pass quantiles. The
   * {@code with} methods change the settings they name; as in the stored JSON, a zero (or null)
   * takes the default.
   */
  public static CaptureRun of(String model, List<String> corpus) {
    return new CaptureRun(
        model, corpus, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, 0, null, null, null);
  }

  /** These settings with excerpts of {@code context} tokens. */
  public CaptureRun withContext(int context) {
    return with(d -> d.context = context);
  }

  /** These settings with at most {@code maxExcerpts} excerpts, 0 for all. */
  public CaptureRun withMaxExcerpts(int maxExcerpts) {
    return with(d -> d.maxExcerpts = maxExcerpts);
  }

  /**
   * These settings keeping the {@code top} highest excerpts and random samples of {@code random}
   * drawn from a {@code pool} (changed together: the pool must hold the random sample).
   */
  public CaptureRun withSamples(int top, int random, int pool) {
    return with(
        d -> {
          d.top = top;
          d.random = random;
          d.pool = pool;
        });
  }

  /** These settings sampling from {@code seed}. */
  public CaptureRun withSeed(long seed) {
    return with(d -> d.seed = seed);
  }

  /** These settings with the corpus cut into {@code shards}. */
  public CaptureRun withShards(int shards) {
    return with(d -> d.shards = shards);
  }

  /** These settings with {@code layersPerJob} layers per capture job, 0 for a whole range. */
  public CaptureRun withLayersPerJob(int layersPerJob) {
    return with(d -> d.layersPerJob = layersPerJob);
  }

  /** These settings with {@code collateBlock} neurons per collate job. */
  public CaptureRun withCollateBlock(int collateBlock) {
    return with(d -> d.collateBlock = collateBlock);
  }

  /** These settings with {@code batch} excerpts per forward pass. */
  public CaptureRun withBatch(int batch) {
    return with(d -> d.batch = batch);
  }

  /** These settings computing in {@code precision}, {@code float32} or {@code float16}. */
  public CaptureRun withPrecision(String precision) {
    return with(d -> d.precision = precision);
  }

  /** These settings with the weights jobs, {@code weightsTop} entries per weight-based list. */
  public CaptureRun withWeights(int weightsTop) {
    return with(
        d -> {
          d.weights = true;
          d.weightsTop = weightsTop;
        });
  }

  /** These settings keeping {@code quantileKeys} exact keys per neuron, 0 for none. */
  public CaptureRun withQuantileKeys(int quantileKeys) {
    return with(d -> d.quantileKeys = quantileKeys);
  }

  /** These settings sampling the quantile buckets {@link #ONE_PASS} or {@link #TWO_PASS}. */
  public CaptureRun withQuantiles(String quantiles) {
    return with(d -> d.quantiles = quantiles);
  }

  /**
   * These settings capturing the latents of the SAE in directory {@code sae} (or on the hub, {@code
   * hf:...}), null for none.
   */
  public CaptureRun withSae(String sae) {
    return with(d -> d.sae = sae);
  }

  /** Whether the run captures an SAE's latents rather than the model's MLP neurons. */
  public boolean capturesSae() {
    return sae != null;
  }

  private CaptureRun with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.toRun();
  }

  /** A mutable copy, so that each {@code with} method names only the settings it changes. */
  private static final class Draft {
    private String model;
    private List<String> corpus;
    private int context;
    private int maxExcerpts;
    private int top;
    private int random;
    private int pool;
    private long seed;
    private int shards;
    private int layersPerJob;
    private int collateBlock;
    private int batch;
    private String precision;
    private boolean weights;
    private int weightsTop;
    private Integer quantileKeys;
    private String quantiles;
    private String sae;

    Draft(CaptureRun run) {
      model = run.model;
      corpus = run.corpus;
      context = run.context;
      maxExcerpts = run.maxExcerpts;
      top = run.top;
      random = run.random;
      pool = run.pool;
      seed = run.seed;
      shards = run.shards;
      layersPerJob = run.layersPerJob;
      collateBlock = run.collateBlock;
      batch = run.batch;
      precision = run.precision;
      weights = run.weights;
      weightsTop = run.weightsTop;
      quantileKeys = run.quantileKeys;
      quantiles = run.quantiles;
      sae = run.sae;
    }

    CaptureRun toRun() {
      return new CaptureRun(
          model,
          corpus,
          context,
          maxExcerpts,
          top,
          random,
          pool,
          seed,
          shards,
          layersPerJob,
          collateBlock,
          batch,
          precision,
          weights,
          weightsTop,
          quantileKeys,
          quantiles,
          sae);
    }
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
