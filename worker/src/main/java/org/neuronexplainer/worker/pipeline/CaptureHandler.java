package org.neuronexplainer.worker.pipeline;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.CaptureJob;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.Selection;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.CheckpointException;
import org.neuronexplainer.worker.capture.Sae;
import org.neuronexplainer.worker.capture.SaeFiles;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.CaptureLayout;
import org.neuronexplainer.worker.capture.run.CaptureRunner;
import org.neuronexplainer.worker.capture.run.CaptureUnit;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.PartialCodec;
import org.neuronexplainer.worker.capture.stats.StatsMemory;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;

/**
 * The capture job: one corpus shard through one layer range, in one pass of the process's model
 * ({@link SubjectModels}), written as one partial per layer ({@code runs/{run}/partials/...}, one
 * atomic put each). The job is done when the partials of all its layers exist, so a redelivered or
 * re-queued job whose partials are there is skipped. The forward pass may take far longer than
 * {@code max.poll.interval.ms}: the runner keeps polling with its partitions paused meanwhile.
 *
 * <p>A cancelled run stops the job between forward batches (the run state is re-read at most once a
 * second, see {@link RunSpecs}); the partials are written only after the last batch, so a stopped
 * job leaves none behind.
 */
final class CaptureHandler implements StageHandler<CaptureJob> {

  private final BlobStore store;
  private final RunSpecs specs;
  private final SubjectModels models;
  private final WorkerMetrics metrics;
  private final LongSupplier heapBudget;

  CaptureHandler(RunRecords records, SubjectModels models, WorkerMetrics metrics) {
    this(records, models, metrics, System::currentTimeMillis, StatsMemory::budget);
  }

  /**
   * @param heapBudget bytes of Java heap a job's statistics may take
   */
  CaptureHandler(
      RunRecords records,
      SubjectModels models,
      WorkerMetrics metrics,
      LongSupplier clock,
      LongSupplier heapBudget) {
    this.store = records.store();
    this.specs = new RunSpecs(records, clock);
    this.models = models;
    this.metrics = metrics;
    this.heapBudget = heapBudget;
  }

  @Override
  public boolean outputExists(CaptureJob job) {
    String runId = job.header().runId();
    int shards = capture(specs.spec(runId)).shards();
    return IntStream.rangeClosed(job.layers().first(), job.layers().last())
        .allMatch(l -> store.exists(CaptureLayout.partial(runId, l, job.shard(), shards)));
  }

  @Override
  public JobMetrics run(CaptureJob job) {
    String runId = job.header().runId();
    specs.requireActive(runId);
    RunSpec spec = specs.spec(runId);
    CaptureRun capture = capture(spec);
    Path dir = models.directory(capture.model());
    SubjectTokenizer tokenizer = models.tokenizer(dir);
    // An SAE on the hub is downloaded before the model is taken: the download holds no device.
    Path saeDir = capture.capturesSae() ? models.saeDirectory(capture.sae()) : null;
    return models.use(
        dir, capture.precision(), model -> capture(job, spec, model, tokenizer, saeDir));
  }

  private JobMetrics capture(
      CaptureJob job, RunSpec spec, SubjectModel model, SubjectTokenizer tok, Path saeDir) {
    String runId = spec.runId();
    CaptureRun capture = spec.capture();
    int[] layers = IntStream.rangeClosed(job.layers().first(), job.layers().last()).toArray();
    List<CaptureUnit> units = units(spec, model, layers, saeDir);
    int width = units.get(0).width(model.config());
    int[] neurons = check(spec, model.config(), tok, layers, width);
    CorpusShards.Manifest manifest = CorpusShards.prepare(store, runId, capture, tok);
    CorpusShards.Shard shard = CorpusShards.read(store, job.corpusShardKey());
    Excerpts excerpts = CorpusShards.view(manifest, shard);
    requireHeap(units.size(), neurons, capture, model.config().vocabSize(), excerpts, shard.ids());
    long[] counted = {0};
    Map<CaptureUnit, LayerStats> stats =
        CaptureRunner.runUnits(
            model,
            excerpts,
            shard.ids(),
            units,
            neurons,
            settings(capture),
            capture.batch(),
            tok.bosId(),
            (done, total, tokens) -> {
              metrics.capturedTokens(tokens - counted[0]);
              counted[0] = tokens;
              specs.requireActive(runId);
            });
    for (CaptureUnit unit : units) {
      store.put(
          CaptureLayout.partial(runId, unit.layer(), job.shard(), capture.shards()),
          // Chunked by the run's collate blocks: each collate job reads only its own chunks.
          PartialCodec.encode(stats.get(unit), excerpts::tokens, capture.collateBlock()));
    }
    return JobMetrics.NONE;
  }

  /**
   * What the job captures: the MLP neurons of its layers, or, in an SAE run, the latents of the
   * run's SAE, loaded into the model (which owns it from then on) and read at its hook.
   */
  private static List<CaptureUnit> units(
      RunSpec spec, SubjectModel model, int[] layers, Path saeDir) {
    CaptureRun capture = spec.capture();
    if (!capture.capturesSae()) {
      model.unloadSaesExcept(Set.of()); // earlier SAE runs' weights leave the device
      return Arrays.stream(layers).<CaptureUnit>mapToObj(CaptureUnit.MlpLayer::new).toList();
    }
    Sae sae;
    try {
      // Only this run's SAE stays on the device: earlier runs' are freed first.
      model.unloadSaesExcept(Set.of(spec.sae()));
      sae = model.loadSae(SaeFiles.open(spec.sae(), saeDir));
    } catch (CheckpointException | IllegalArgumentException e) {
      throw new PermanentException("capture.sae " + capture.sae() + ": " + e.getMessage(), e);
    }
    if (layers.length != 1 || layers[0] != sae.hook().layer()) {
      throw new PermanentException(
          "SAE "
              + sae.name()
              + " reads "
              + sae.hook()
              + ", but this capture job is for layers "
              + Arrays.toString(layers));
    }
    return List.of(new CaptureUnit.SaeLatents(sae));
  }

  /** Refuses a job whose statistics would not fit in this worker's heap, saying what to change. */
  private void requireHeap(
      int layers, int[] neurons, CaptureRun capture, int vocab, Excerpts excerpts, int[] ids) {
    String shortfall =
        StatsMemory.of(layers, neurons.length, settings(capture), vocab, excerpts, ids)
            .shortfall(
                heapBudget.getAsLong(),
                "this worker",
                "set the run's capture.layersPerJob to at most %d",
                "capture fewer neurons per run (one layer alone does not fit)",
                "give capture workers more memory");
    if (shortfall != null) {
      throw new PermanentException("this job's capture statistics " + shortfall);
    }
  }

  /**
   * The settings every shard and collate agree on; the token tables keep the CLI's defaults.
   * Quantile buckets are sampled in one pass: the coordinator refuses two-pass runs.
   */
  static CaptureSettings settings(CaptureRun capture) {
    CaptureSettings defaults = CaptureSettings.defaults();
    return new CaptureSettings(
            capture.context(),
            capture.top(),
            capture.random(),
            capture.pool(),
            capture.seed(),
            defaults.tableSize(),
            defaults.tableMinCount())
        .withQuantiles(capture.quantileKeys(), false);
  }

  /**
   * Checks the run against the model; returns the neurons (or latents) to keep per unit, each unit
   * {@code width} wide.
   */
  private static int[] check(
      RunSpec spec, SubjectConfig config, SubjectTokenizer tok, int[] layers, int width) {
    for (int layer : layers) {
      if (layer >= config.layers()) {
        throw new PermanentException(
            "layer " + layer + " does not exist: the model has layers 0.." + (config.layers() - 1));
      }
    }
    int bos = tok.bosId().isPresent() ? 1 : 0;
    if (spec.capture().context() + bos > config.positions()) {
      throw new PermanentException(
          "capture.context "
              + spec.capture().context()
              + (bos == 0 ? "" : " (after the BOS token each excerpt starts with)")
              + " is longer than the model's "
              + config.positions()
              + " positions");
    }
    if (tok.vocabSize() > config.vocabSize()) {
      throw new PermanentException(
          "the tokenizer has " + tok.vocabSize() + " tokens, the model " + config.vocabSize());
    }
    String unit = spec.capture().capturesSae() ? "latent" : "neuron";
    int[] neurons =
        spec.neurons() == null
            ? IntStream.range(0, width).toArray()
            : Selection.parse(spec.neurons(), "neurons").indices().toArray();
    for (int n : neurons) {
      if (n >= width) {
        throw new PermanentException(
            unit + " " + n + " does not exist: there are " + unit + "s 0.." + (width - 1));
      }
    }
    return neurons;
  }

  static CaptureRun capture(RunSpec spec) {
    if (spec.capture() == null) {
      throw new PermanentException("run " + spec.runId() + " is not a capture run");
    }
    return spec.capture();
  }
}
