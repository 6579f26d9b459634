package org.neuronexplainer.worker.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.CollateJob;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.NeuronBlock;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.CheckpointException;
import org.neuronexplainer.worker.capture.Checkpoints;
import org.neuronexplainer.worker.capture.SaeFiles;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.run.CaptureLayout;
import org.neuronexplainer.worker.capture.run.RecordWriter;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.PartialCodec;
import org.neuronexplainer.worker.capture.stats.PartialReader;
import org.neuronexplainer.worker.capture.stats.RecordAssembler;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;

/**
 * The collate job: reads its block's neurons from every shard's partial of one layer (only the
 * chunks that hold them, {@link PartialReader}), merges them (exactly, see {@code LayerStats}) and
 * writes the block's NeuronRecords and activation-based token tables, the same bytes one capture
 * pass over the whole corpus writes; then queues one explain-and-score job per neuron and writes
 * its marker ({@code runs/{run}/collated/...}). The marker goes last: a crash before it redoes the
 * block (the same files again, jobs that the explain-and-score stage skips when done).
 */
final class CollateHandler implements StageHandler<CollateJob> {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlobStore store;
  private final RunSpecs specs;
  private final SubjectModels models;
  private final JobPublisher jobs;

  CollateHandler(RunRecords records, SubjectModels models, JobPublisher jobs) {
    this.store = records.store();
    this.specs = new RunSpecs(records, System::currentTimeMillis);
    this.models = models;
    this.jobs = jobs;
  }

  @Override
  public boolean outputExists(CollateJob job) {
    return store.exists(CaptureKeys.collated(job.header().runId(), job.block()));
  }

  @Override
  public JobMetrics run(CollateJob job) {
    String runId = job.header().runId();
    specs.requireActive(runId);
    RunSpec spec = specs.spec(runId);
    CaptureRun capture = CaptureHandler.capture(spec);
    NeuronBlock block = job.block();
    CorpusShards.Manifest manifest =
        CorpusShards.manifest(store, runId)
            .orElseThrow(() -> new RetryableException("run " + runId + ": no corpus manifest yet"));
    Path dir = models.directory(capture.model());
    SubjectTokenizer tokenizer = models.tokenizer(dir);
    LayerStats merged = null;
    Map<Integer, int[]> tokens = new HashMap<>();
    int last = block.first() + block.count() - 1;
    for (int shard = 0; shard < capture.shards(); shard++) {
      String key = CaptureLayout.partial(runId, block.layer(), shard, capture.shards());
      // Only the block's neurons: the header and the chunks that hold them.
      PartialCodec.Partial partial =
          PartialReader.read(store, key, block.first(), last)
              .orElseThrow(() -> new RetryableException("partial " + key + " is not there yet"));
      LayerStats part = partial.stats();
      if (merged == null) {
        merged =
            LayerStats.create(
                block.layer(),
                part.neurons(),
                CaptureHandler.settings(capture),
                part.vocabSize(),
                manifest.excerpts());
      }
      merged.addAll(part);
      tokens.putAll(partial.excerptTokens());
    }
    if (merged == null || merged.excerpts() != manifest.excerpts()) {
      throw new PermanentException(
          "layer "
              + block.layer()
              + ": the partials hold "
              + (merged == null ? 0 : merged.excerpts())
              + " excerpts, the corpus "
              + manifest.excerpts());
    }
    // The records go to the run's dataset: the store's root, or its SAE's folder. An SAE's dead
    // latents (never active) get no record and no job; the marker names them for the coordinator.
    BlobStore dataset = spec.datasetStore(store);
    List<Integer> dead =
        capture.capturesSae() ? RecordWriter.deadLatents(merged) : List.<Integer>of();
    RecordWriter.write(
        merged,
        new RecordAssembler(tokens::get, tokenizer::tokenTexts, tokenizer::tokenText),
        dataset,
        dead);
    List<NeuronId> written = new ArrayList<>();
    for (int neuron : merged.neurons()) {
      if (!dead.contains(neuron)) {
        written.add(new NeuronId(block.layer(), neuron));
      }
    }
    if (!capture.capturesSae()) {
      RecordWriter.writeSubject(mlpSubject(capture, dir, manifest.excerpts()), dataset);
    } else if (!dataset.exists(DatasetSubject.KEY)) {
      Path saeDir = models.saeDirectory(capture.sae());
      RecordWriter.writeSubject(saeSubject(spec, dir, saeDir, manifest.excerpts()), dataset);
    }
    jobs.explainAndScore(spec, written);
    ObjectNode marker = JSON.createObjectNode().put("neurons", written.size());
    marker.set("dead", JSON.valueToTree(dead));
    store.put(
        CaptureKeys.collated(runId, block), marker.toString().getBytes(StandardCharsets.UTF_8));
    return JobMetrics.NONE;
  }

  /** What a capture of MLP neurons holds: the model's, in every collate job the same record. */
  private static DatasetSubject mlpSubject(CaptureRun capture, Path modelDir, int excerpts) {
    SubjectConfig config;
    try {
      config = Checkpoints.config(modelDir);
    } catch (CheckpointException e) {
      throw new PermanentException("capture.model " + capture.model() + ": " + e.getMessage(), e);
    }
    return DatasetSubject.mlpNeurons(
        capture.model(), config.architecture(), config.neurons(), excerpts);
  }

  /**
   * What an SAE run's dataset holds, written by its first collate job; the coordinator fills in the
   * dead latents of every block once all are collated.
   */
  private static DatasetSubject saeSubject(RunSpec spec, Path modelDir, Path saeDir, int excerpts) {
    CaptureRun capture = spec.capture();
    SaeFiles sae;
    try {
      sae = SaeFiles.open(spec.sae(), saeDir);
    } catch (CheckpointException e) {
      throw new PermanentException("capture.sae " + capture.sae() + ": " + e.getMessage(), e);
    }
    return new DatasetSubject(
        DatasetSubject.SAE_LATENTS,
        capture.model(),
        Checkpoints.architecture(modelDir),
        spec.sae(),
        capture.sae(),
        sae.config().architecture().label(),
        sae.config().hook().name(),
        sae.config().hook().layer(),
        sae.config().dSae(),
        excerpts,
        List.of());
  }
}
