package org.neuronexplainer.worker.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetJson;
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
import org.neuronexplainer.worker.capture.run.CaptureLayout;
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
    List<NeuronId> written =
        write(
            merged,
            block,
            new RecordAssembler(tokens::get, tokenizer::tokenTexts, tokenizer::tokenText));
    jobs.explainAndScore(spec, written);
    store.put(
        CaptureKeys.collated(runId, block),
        ("{\"neurons\":" + written.size() + "}").getBytes(StandardCharsets.UTF_8));
    return JobMetrics.NONE;
  }

  private List<NeuronId> write(LayerStats merged, NeuronBlock block, RecordAssembler assembler) {
    List<NeuronId> written = new ArrayList<>();
    int[] neurons = merged.neurons(); // the block's, as read from the partials
    for (int j = 0; j < neurons.length; j++) {
      String recordKey = CaptureLayout.neuronRecord(block.layer(), neurons[j]);
      store.put(recordKey, DatasetJson.toBytes(assembler.neuronRecord(merged, j), recordKey));
      String tableKey = CaptureLayout.tokenTable(block.layer(), neurons[j]);
      store.put(tableKey, DatasetJson.toBytes(assembler.tokenTable(merged, j), tableKey));
      written.add(new NeuronId(block.layer(), neurons[j]));
    }
    return written;
  }
}
