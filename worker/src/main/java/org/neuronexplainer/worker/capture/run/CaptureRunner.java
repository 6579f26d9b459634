package org.neuronexplainer.worker.capture.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.neuronexplainer.worker.capture.ActivationBuffers;
import org.neuronexplainer.worker.capture.DeviceBounds;
import org.neuronexplainer.worker.capture.ForwardRequest;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Hook;
import org.neuronexplainer.worker.capture.Sae;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.stats.LayerStats;

/**
 * Streams a shard's excerpts through the model, batch by batch, into one {@link LayerStats} per
 * selected layer: one forward pass serves every neuron of every selected layer
 * (docs/architecture.md).
 *
 * <p>A batch smaller than a {@link Excerpts#BLOCK} of excerpt ids never spans two, so with a batch
 * size that divides the block every batch holds the same excerpts whether the corpus is sharded or
 * not, and the forward pass sees the same inputs in both cases. A larger batch takes whole blocks
 * (the shard's, so a sharded run batches other blocks together than one pass does: its records are
 * the same where a row's activations do not depend on the batch's other rows, as on the CPU engine,
 * which CaptureTest checks). The size is {@link BatchSize#choose chosen} from the device's free
 * memory where the capture is not told one.
 *
 * <p>With two-pass quantiles ({@link CaptureSettings#twoPassQuantiles}) the excerpts are run twice:
 * the second pass only samples the quantile buckets, whose boundaries the first pass fixed, so the
 * shard ids must be the whole corpus.
 */
public final class CaptureRunner {
  static final String OVERLAP_PROPERTY = "neuron.explainer.capture.overlap";
  private static final String BATCH_MOMENTS_PROPERTY = "neuron.explainer.capture.batch-moments";
  private static final String DEVICE_TOKEN_TABLE_PROPERTY =
      "neuron.explainer.capture.device-token-table";

  private CaptureRunner() {}

  /**
   * Captures the shard into new statistics, whose pools know the shard's excerpts in advance
   * ({@link LayerStats#forExcerpts}). Their arrays (gigabytes for a whole model's kept excerpts)
   * are allocated, one thread per layer, while the first batch's forward pass runs: on a GPU the
   * CPU is otherwise idle then.
   */
  public static Map<Integer, LayerStats> run(
      SubjectModel model,
      Excerpts excerpts,
      int[] shardIds,
      int[] layers,
      int[] neurons,
      CaptureSettings settings,
      int batch,
      CaptureProgress progress) {
    List<CaptureUnit> units =
        Arrays.stream(layers).<CaptureUnit>mapToObj(CaptureUnit.MlpLayer::new).toList();
    Map<Integer, LayerStats> byLayer = new LinkedHashMap<>();
    runUnits(model, excerpts, shardIds, units, neurons, settings, batch, progress)
        .forEach((unit, stats) -> byLayer.put(unit.layer(), stats));
    return byLayer;
  }

  /**
   * Captures the shard into new statistics per unit: MLP layers and SAEs alike, all read on each
   * batch's one forward pass.
   *
   * @param neurons the indices kept in every unit, or null for all of each unit's
   */
  public static Map<CaptureUnit, LayerStats> runUnits(
      SubjectModel model,
      Excerpts excerpts,
      int[] shardIds,
      List<CaptureUnit> units,
      int[] neurons,
      CaptureSettings settings,
      int batch,
      CaptureProgress progress) {
    return runUnits(
        model, excerpts, shardIds, units, neurons, settings, batch, OptionalInt.empty(), progress);
  }

  /**
   * The same capture with {@code bos}, where present, run before every excerpt: the model sees each
   * excerpt as the start of a text, as its tokenizer feeds it, while the statistics and the records
   * hold the excerpt's own tokens only (docs/method.md 2.3).
   */
  public static Map<CaptureUnit, LayerStats> runUnits(
      SubjectModel model,
      Excerpts excerpts,
      int[] shardIds,
      List<CaptureUnit> units,
      int[] neurons,
      CaptureSettings settings,
      int batch,
      OptionalInt bos,
      CaptureProgress progress) {
    check(excerpts, settings, batch);
    int vocab = model.config().vocabSize();
    CompletableFuture<Map<CaptureUnit, LayerStats>> created =
        CompletableFuture.supplyAsync(
            () -> create(units, model, neurons, settings, vocab, shardIds));
    int[] prefix = bos.isPresent() ? new int[] {bos.getAsInt()} : new int[0];
    stream(
        created,
        request(units).withPrefix(prefix.length),
        prefix,
        model,
        excerpts,
        shardIds,
        settings,
        batch,
        progress);
    return ready(created);
  }

  private static Map<CaptureUnit, LayerStats> create(
      List<CaptureUnit> units,
      SubjectModel model,
      int[] neurons,
      CaptureSettings settings,
      int vocab,
      int[] shardIds) {
    List<LayerStats> created =
        units.parallelStream()
            .map(
                unit ->
                    LayerStats.forExcerpts(
                        unit.layer(),
                        neurons != null
                            ? neurons
                            : IntStream.range(0, unit.width(model.config())).toArray(),
                        settings,
                        vocab,
                        shardIds))
            .toList();
    Map<CaptureUnit, LayerStats> stats = new LinkedHashMap<>();
    for (int i = 0; i < units.size(); i++) {
      stats.put(units.get(i), created.get(i));
    }
    return stats;
  }

  /** The forward pass that serves every unit: MLP layers as hooks, SAEs as latents only. */
  static ForwardRequest request(Collection<CaptureUnit> units) {
    List<Hook> hooks = new ArrayList<>();
    List<Sae> saes = new ArrayList<>();
    for (CaptureUnit unit : units) {
      if (unit instanceof CaptureUnit.SaeLatents latents) {
        saes.add(latents.sae());
      } else {
        hooks.add(Hook.mlpNeurons(unit.layer()));
      }
    }
    return new ForwardRequest(hooks, saes, false);
  }

  /**
   * Adds more excerpts to statistics that already hold others (of ids not among {@code shardIds}),
   * as the later batches of a long capture do. One-pass settings only.
   */
  public static void runInto(
      Map<Integer, LayerStats> stats,
      SubjectModel model,
      Excerpts excerpts,
      int[] shardIds,
      CaptureSettings settings,
      int batch,
      CaptureProgress progress) {
    check(excerpts, settings, batch);
    if (settings.twoPassQuantiles() && stats.values().stream().anyMatch(s -> s.excerpts() > 0)) {
      throw new IllegalArgumentException("two-pass quantiles need the whole corpus in one run");
    }
    Map<CaptureUnit, LayerStats> byUnit = new LinkedHashMap<>();
    stats.forEach((layer, layerStats) -> byUnit.put(new CaptureUnit.MlpLayer(layer), layerStats));
    stream(
        CompletableFuture.completedFuture(byUnit),
        request(byUnit.keySet()),
        new int[0],
        model,
        excerpts,
        shardIds,
        settings,
        batch,
        progress);
  }

  private static void check(Excerpts excerpts, CaptureSettings settings, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1: " + batch);
    }
    if (excerpts.count() > 0 && excerpts.context() != settings.context()) {
      throw new IllegalArgumentException("excerpts are not of the settings' context length");
    }
  }

  /**
   * The batches' forward passes and statistics; the statistics are waited for after the first
   * forward pass (later waits return at once).
   */
  private static void stream(
      CompletableFuture<Map<CaptureUnit, LayerStats>> statsReady,
      ForwardRequest request,
      int[] prefix,
      SubjectModel model,
      Excerpts excerpts,
      int[] shardIds,
      CaptureSettings settings,
      int batch,
      CaptureProgress progress) {
    List<int[]> batches = batches(shardIds, batch);
    int passes = settings.twoPassQuantiles() ? 2 : 1;
    long total = (long) passes * shardIds.length;
    long tokens = 0;
    long done = 0;
    boolean overlap = overlap(model);
    boolean onDevice = StatsPlacement.configured().onDevice(model);
    int mlpLayers =
        (int) request.hooks().stream().filter(h -> h.kind() == Hook.Kind.MLP_NEURONS).count();
    boolean resident = onDevice && residentTokenSums(model, mlpLayers);
    if (resident) {
      model.clearDeviceTokenSums();
    }
    // Batch k's activations are read until batch k + 1's statistics start: with overlap, batch
    // k + 1's forward pass runs before that, so two sets of arrays take turns.
    ActivationBuffers[] buffers = new ActivationBuffers[overlap ? 2 : 1];
    Arrays.setAll(buffers, i -> new ActivationBuffers());
    int batchesRun = 0;
    try (StatsPool statsPool = new StatsPool(StatsPool.defaultThreads())) {
      for (int pass = 0; pass < passes; pass++) {
        if (pass == 1) {
          // Two-pass quantiles: the boundaries are fixed by the whole first pass.
          ready(statsReady).values().forEach(LayerStats::startSecondPass);
        }
        for (int[] batchIds : batches) {
          int[][] batchTokens = new int[batchIds.length][];
          for (int b = 0; b < batchIds.length; b++) {
            batchTokens[b] = excerpts.tokens(batchIds[b]);
          }
          // With overlap, this pass runs while the previous batch's statistics are computed.
          ActivationBuffers into = buffers[batchesRun++ % buffers.length];
          ForwardRequest batchRequest =
              onDevice
                  ? request.withReduced(bounds(ready(statsReady), batchIds, batchTokens, resident))
                  : request;
          ForwardResult result = model.forward(prefixed(prefix, batchTokens), batchRequest, into);
          long waitStart = System.nanoTime();
          statsPool.submit(ready(statsReady), batchIds, batchTokens, result);
          if (!overlap) {
            statsPool.await();
          }
          progress.statisticsWaited(System.nanoTime() - waitStart);
          done += batchIds.length;
          tokens += (long) batchIds.length * settings.context();
          progress.batchDone(done, total, tokens);
        }
        long waitStart = System.nanoTime();
        statsPool.await();
        progress.statisticsWaited(System.nanoTime() - waitStart);
        if (resident && pass == 0) {
          addDeviceTokenSums(model, ready(statsReady));
        }
      }
    }
  }

  /**
   * Whether the token sums of reduced batches stay on the device until the pass ends: on a GPU,
   * where they would otherwise be copied out, a row per distinct token, with every batch, provided
   * the tables ({@code layers} x vocabulary x neurons longs) take at most half the GPU memory the
   * driver reports free. The system property {@code neuron.explainer.capture.device-token-table}
   * overrides this.
   */
  static boolean residentTokenSums(SubjectModel model, int layers) {
    String forced = System.getProperty(DEVICE_TOKEN_TABLE_PROPERTY);
    if (forced != null) {
      return Boolean.parseBoolean(forced);
    }
    SubjectConfig config = model.config();
    long tables = 8L * layers * config.vocabSize() * config.neurons();
    return model.onGpu() && model.freeDeviceBytes().orElse(0) / 2 >= tables;
  }

  /**
   * Whether reduced batches bring their power sums back summed over the batch, a quarter of what a
   * batch of 64 excerpts copies out otherwise, at the cost of moments that match the host path's
   * only within a wider tolerance: off unless the system property {@code
   * neuron.explainer.capture.batch-moments} is true.
   */
  static boolean batchMoments() {
    return Boolean.getBoolean(BATCH_MOMENTS_PROPERTY);
  }

  /** Copies the token sums the device kept for each layer into its statistics. */
  private static void addDeviceTokenSums(SubjectModel model, Map<CaptureUnit, LayerStats> stats) {
    stats.forEach(
        (unit, layer) -> {
          if (unit instanceof CaptureUnit.MlpLayer mlp) {
            int[] tokens = layer.tokensSeen();
            model
                .takeDeviceTokenSums(Hook.mlpNeurons(mlp.layer()), tokens)
                .ifPresent(sums -> layer.addTokenSums(tokens, sums));
          }
        });
  }

  /**
   * For each MLP layer whose statistics may be reduced on the device, what its next batch may leave
   * there (read while the previous batch's statistics may still run: see {@link
   * LayerStats#deviceBounds}).
   */
  private static Map<Hook, DeviceBounds> bounds(
      Map<CaptureUnit, LayerStats> stats, int[] ids, int[][] tokens, boolean resident) {
    Map<Hook, DeviceBounds> bounds = new LinkedHashMap<>();
    stats.forEach(
        (unit, layer) -> {
          if (unit instanceof CaptureUnit.MlpLayer mlp && layer.reducible()) {
            bounds.put(
                Hook.mlpNeurons(mlp.layer()),
                layer.deviceBounds(ids, tokens, resident, batchMoments()));
          }
        });
    return bounds;
  }

  /** The sequences with {@code prefix} before each; themselves when it is empty. */
  private static int[][] prefixed(int[] prefix, int[][] tokens) {
    if (prefix.length == 0) {
      return tokens;
    }
    int[][] out = new int[tokens.length][];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = new int[prefix.length + tokens[i].length];
      System.arraycopy(prefix, 0, out[i], 0, prefix.length);
      System.arraycopy(tokens[i], 0, out[i], prefix.length, tokens[i].length);
    }
    return out;
  }

  /** The statistics once allocated; an error of the allocation (out of heap) is rethrown as is. */
  static <K> Map<K, LayerStats> ready(CompletableFuture<Map<K, LayerStats>> stats) {
    try {
      return stats.join();
    } catch (CompletionException e) {
      throw Failures.unchecked(e.getCause());
    }
  }

  /**
   * Whether a batch's statistics run while the next forward pass does. On a GPU they use the idle
   * CPU cores. On the CPU with the statistics on the host, libtorch already keeps every core busy,
   * and statistics threads beside it slow both (on 2 cores, continued statistics: 77% of the
   * forward pass's speed with overlap, 87% without, best rounds; 70% and 78% as medians of the
   * rounds' own ratios). Where the device reduces each batch on the CPU, overlap made no measurable
   * difference (docs/benchmarks.md, overlap on the CPU), so it stays off there too. The system
   * property {@code neuron.explainer.capture.overlap} overrides this choice.
   */
  static boolean overlap(SubjectModel model) {
    String forced = System.getProperty(OVERLAP_PROPERTY);
    return forced == null ? model.onGpu() : Boolean.parseBoolean(forced);
  }

  /**
   * The shard's excerpt ids cut into batches of at most {@code batch}: below a block, never across
   * one; from a block up, of whole blocks (of the shard's ids in each), as many as fit.
   */
  static List<int[]> batches(int[] shardIds, int batch) {
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < shardIds.length; i++) {
      boolean last = i + 1 == shardIds.length;
      boolean blockEnds = last || shardIds[i + 1] / Excerpts.BLOCK != shardIds[i] / Excerpts.BLOCK;
      boolean full =
          batch < Excerpts.BLOCK
              ? i + 1 - start == batch
              : last || i + 1 - start + nextBlock(shardIds, i + 1) > batch;
      if (batch < Excerpts.BLOCK ? full || blockEnds : blockEnds && full) {
        batches.add(Arrays.copyOfRange(shardIds, start, i + 1));
        start = i + 1;
      }
    }
    return batches;
  }

  /** How many of the ids from {@code from} on lie in the block of {@code ids[from]}. */
  private static int nextBlock(int[] ids, int from) {
    int end = from;
    while (end < ids.length && ids[end] / Excerpts.BLOCK == ids[from] / Excerpts.BLOCK) {
      end++;
    }
    return end - from;
  }
}
