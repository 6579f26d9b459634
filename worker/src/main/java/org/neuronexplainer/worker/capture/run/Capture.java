package org.neuronexplainer.worker.capture.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.ModelFile;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.Sae;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.PartialCodec;
import org.neuronexplainer.worker.capture.stats.RecordAssembler;
import org.neuronexplainer.worker.capture.stats.StatsMemory;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;

/**
 * The capture stage: runs one shard and either writes the records (a single pass) or the shard's
 * partials for {@link Collator}. The spec is written first and checked against what other shards
 * wrote, so shards of one run cannot disagree on settings.
 *
 * <p>It captures a model's MLP neurons ({@link #run}) or the latents of SAEs ({@link #runSaes}),
 * each SAE into a store of its own (its folder {@code saes/{name}/} of the model's store, or the
 * run's store in the pipeline), all on one forward pass per batch.
 */
public final class Capture {
  private Capture() {}

  /**
   * What a capture did, for the CLI's summary line.
   *
   * @param deadLatents per SAE, the latents never active over the corpus (no record written); empty
   *     for MLP neurons and for partials (collate finds them)
   */
  public record Outcome(
      int excerpts,
      int shardExcerpts,
      int neuronsWritten,
      boolean partials,
      Map<String, List<Integer>> deadLatents) {

    public Outcome(int excerpts, int shardExcerpts, int neuronsWritten, boolean partials) {
      this(excerpts, shardExcerpts, neuronsWritten, partials, Map.of());
    }
  }

  /**
   * An SAE loaded into the capture's model and the store its dataset goes to.
   *
   * @param store the SAE's dataset root: {@code store.under(DatasetSubject.saeFolder(name))} of the
   *     model's store, or a run's own store
   */
  public record SaeTarget(Sae sae, BlobStore store) {}

  /** One dataset the capture writes: its store, what its units are, and the units. */
  private record Dataset(BlobStore store, DatasetSubject subject, List<CaptureUnit> units) {}

  /** Captures the MLP neurons of {@code job.layers()} into {@code store}. */
  public static Outcome run(
      SubjectModel model,
      SubjectTokenizer tokenizer,
      Excerpts excerpts,
      CaptureJob job,
      BlobStore store,
      CaptureProgress progress) {
    SubjectConfig config = model.config();
    List<CaptureUnit> units = new ArrayList<>();
    for (int layer : job.layers()) {
      units.add(new CaptureUnit.MlpLayer(layer));
    }
    DatasetSubject subject =
        DatasetSubject.mlpNeurons(
            job.model(), config.architecture(), config.neurons(), excerpts.count());
    Outcome outcome =
        capture(
            model, tokenizer, excerpts, job, List.of(new Dataset(store, subject, units)), progress);
    // The whole model's size, whichever layers this run captured: the viewer's bounds.
    store.put(ModelFile.KEY, ModelFile.toJson(config.layers(), config.neurons()));
    return outcome;
  }

  /**
   * Captures the latents of {@code saes} (their layers are their hooks'; {@code job.layers()} is
   * not read), each into its own store, on one forward pass per batch. A sharded run ({@code shards
   * > 1} or {@code partialsOnly}) captures one SAE.
   *
   * @throws IllegalArgumentException before any work, for no SAE, two of one name, a sharded run of
   *     several, or latents {@code job.neurons()} names that an SAE lacks
   */
  public static Outcome runSaes(
      SubjectModel model,
      SubjectTokenizer tokenizer,
      Excerpts excerpts,
      CaptureJob job,
      List<SaeTarget> saes,
      CaptureProgress progress) {
    if (saes.isEmpty()) {
      throw new IllegalArgumentException("no SAE to capture");
    }
    if (saes.size() > 1 && (job.shards() > 1 || job.partialsOnly())) {
      throw new IllegalArgumentException(
          "a sharded capture (--shard, --partials-only) reads one SAE per run; "
              + saes.size()
              + " were given");
    }
    List<Dataset> datasets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (SaeTarget target : saes) {
      Sae sae = target.sae();
      if (names.contains(sae.name())) {
        throw new IllegalArgumentException("two SAEs are named " + sae.name());
      }
      names.add(sae.name());
      DatasetSubject subject =
          new DatasetSubject(
              DatasetSubject.SAE_LATENTS,
              job.model(),
              model.config().architecture(),
              sae.name(),
              sae.files().directory().toString(),
              sae.config().architecture().label(),
              sae.hook().name(),
              sae.hook().layer(),
              sae.dSae(),
              excerpts.count(),
              List.of());
      datasets.add(new Dataset(target.store(), subject, List.of(new CaptureUnit.SaeLatents(sae))));
    }
    return capture(model, tokenizer, excerpts, job, datasets, progress);
  }

  private static Outcome capture(
      SubjectModel model,
      SubjectTokenizer tokenizer,
      Excerpts excerpts,
      CaptureJob job,
      List<Dataset> datasets,
      CaptureProgress progress) {
    List<CaptureUnit> units = new ArrayList<>();
    datasets.forEach(dataset -> units.addAll(dataset.units()));
    int widest = checkNeurons(model.config(), job.neurons(), units);
    if (job.settings().twoPassQuantiles() && (job.shards() > 1 || job.partialsOnly())) {
      throw new IllegalArgumentException(
          "two-pass quantiles run in one process over the whole corpus; a sharded run (--shard,"
              + " --partials-only) samples the buckets in one pass");
    }
    int[] shardIds = excerpts.shard(job.shard(), job.shards());
    checkMemory(model, job, units.size(), widest, excerpts, shardIds);
    Map<Dataset, CaptureSpec> specs = new LinkedHashMap<>();
    for (Dataset dataset : datasets) {
      specs.put(dataset, writeSpec(job, dataset, excerpts.count()));
    }
    BatchSize.Choice batch =
        BatchSize.resolve(
            job.batch(),
            model,
            units.size(),
            job.settings().context() + (tokenizer.bosId().isPresent() ? 1 : 0),
            StatsPlacement.configured().onDevice(model));
    progress.batchSize(batch);
    Map<CaptureUnit, LayerStats> stats =
        CaptureRunner.runUnits(
            model,
            excerpts,
            shardIds,
            units,
            job.neurons(),
            job.settings(),
            batch.size(),
            tokenizer.bosId(),
            progress);
    boolean partials = job.partialsOnly() || job.shards() > 1;
    int written = 0;
    Map<String, List<Integer>> dead = new LinkedHashMap<>();
    for (Dataset dataset : datasets) {
      if (partials) {
        for (CaptureUnit unit : dataset.units()) {
          LayerStats layer = stats.get(unit);
          dataset
              .store()
              .put(
                  CaptureLayout.partial(job.runId(), layer.layer(), job.shard(), job.shards()),
                  PartialCodec.encode(layer, excerpts::tokens, PartialCodec.DEFAULT_BLOCK));
        }
        continue;
      }
      RecordAssembler assembler =
          new RecordAssembler(excerpts::tokens, tokenizer::tokenTexts, tokenizer::tokenText);
      List<Integer> deadLatents = new ArrayList<>();
      for (CaptureUnit unit : dataset.units()) {
        LayerStats layer = stats.get(unit);
        List<Integer> skipped =
            dataset.subject().holdsSaeLatents() ? RecordWriter.deadLatents(layer) : List.of();
        deadLatents.addAll(skipped);
        written += RecordWriter.write(layer, assembler, dataset.store(), skipped);
      }
      DatasetSubject subject = dataset.subject().withDeadLatents(deadLatents);
      if (subject.holdsSaeLatents()) {
        dead.put(subject.sae(), subject.deadLatents());
      }
      RecordWriter.writeSubject(subject, dataset.store());
      dataset.store().put(CaptureLayout.collated(job.runId()), specs.get(dataset).toJson());
    }
    return new Outcome(excerpts.count(), shardIds.length, written, partials, dead);
  }

  /** The widest unit; every index of {@code neurons} must exist in every unit. */
  private static int checkNeurons(SubjectConfig config, int[] neurons, List<CaptureUnit> units) {
    int widest = 0;
    for (CaptureUnit unit : units) {
      int width = unit.width(config);
      widest = Math.max(widest, width);
      for (int n : neurons == null ? new int[0] : neurons) {
        if (n < 0 || n >= width) {
          String what =
              unit instanceof CaptureUnit.SaeLatents latents
                  ? "latent " + n + " does not exist (SAE " + latents.sae().name() + " has latents"
                  : "neuron " + n + " does not exist (layers have neurons";
          throw new IllegalArgumentException(what + " 0.." + (width - 1) + ")");
        }
      }
    }
    return neurons == null ? widest : neurons.length;
  }

  private static void checkMemory(
      SubjectModel model,
      CaptureJob job,
      int units,
      int widest,
      Excerpts excerpts,
      int[] shardIds) {
    StatsMemory.Need need =
        StatsMemory.of(
            units, widest, job.settings(), model.config().vocabSize(), excerpts, shardIds);
    String shortfall =
        need.shortfall(
            StatsMemory.budget(),
            "this JVM",
            "capture at most %d layers or SAEs per process (--layers, --sae)",
            "capture fewer neurons or latents per process (--neurons)",
            "give the JVM more memory (NEURON_EXPLAINER_JAVA_OPTS=-Xmx"
                + StatsMemory.xmxGib(need.total())
                + "g)");
    if (shortfall != null) {
      throw new IllegalArgumentException("the capture statistics " + shortfall);
    }
  }

  /** Writes the dataset's run spec, refusing a run that exists with other settings. */
  private static CaptureSpec writeSpec(CaptureJob job, Dataset dataset, int excerptCount) {
    CaptureSpec spec = job.spec(excerptCount, dataset.units(), dataset.subject());
    String specKey = CaptureLayout.spec(job.runId());
    BlobStore store = dataset.store();
    store
        .get(specKey)
        .map(bytes -> CaptureSpec.fromJson(bytes, specKey))
        .filter(existing -> !existing.sameAs(spec))
        .ifPresent(
            existing -> {
              throw new IllegalArgumentException(
                  "run "
                      + job.runId()
                      + " already exists with other settings ("
                      + specKey
                      + "); choose another --run or delete it");
            });
    store.put(specKey, spec.toJson());
    return spec;
  }
}
