package org.neuronexplainer.worker.capture.run;

import java.util.Map;
import java.util.stream.IntStream;
import org.neuronexplainer.common.storage.BlobStore;
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
 */
public final class Capture {
  private Capture() {}

  /** What a capture did, for the CLI's summary line. */
  public record Outcome(int excerpts, int shardExcerpts, int neuronsWritten, boolean partials) {}

  public static Outcome run(
      SubjectModel model,
      SubjectTokenizer tokenizer,
      Excerpts excerpts,
      CaptureJob job,
      BlobStore store,
      CaptureProgress progress) {
    int innerSize = model.config().neurons();
    int[] neurons =
        job.neurons() == null ? IntStream.range(0, innerSize).toArray() : job.neurons().clone();
    for (int n : neurons) {
      if (n < 0 || n >= innerSize) {
        throw new IllegalArgumentException(
            "neuron " + n + " does not exist (layers have neurons 0.." + (innerSize - 1) + ")");
      }
    }
    if (job.settings().twoPassQuantiles() && (job.shards() > 1 || job.partialsOnly())) {
      throw new IllegalArgumentException(
          "two-pass quantiles run in one process over the whole corpus; a sharded run (--shard,"
              + " --partials-only) samples the buckets in one pass");
    }
    int[] shardIds = excerpts.shard(job.shard(), job.shards());
    StatsMemory.Need need =
        StatsMemory.of(
            job.layers().length,
            neurons.length,
            job.settings(),
            model.config().vocabSize(),
            excerpts,
            shardIds);
    String shortfall =
        need.shortfall(
            StatsMemory.budget(),
            "this JVM",
            "capture at most %d layers per process (--layers)",
            "capture fewer neurons per process (--neurons)",
            "give the JVM more memory (NEURON_EXPLAINER_JAVA_OPTS=-Xmx"
                + StatsMemory.xmxGib(need.total())
                + "g)");
    if (shortfall != null) {
      throw new IllegalArgumentException("the capture statistics " + shortfall);
    }
    CaptureSpec spec = job.spec(excerpts.count());
    String specKey = CaptureLayout.spec(job.runId());
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
    Map<Integer, LayerStats> stats =
        CaptureRunner.run(
            model,
            excerpts,
            shardIds,
            job.layers(),
            neurons,
            job.settings(),
            job.batch(),
            progress);
    boolean partials = job.partialsOnly() || job.shards() > 1;
    int written = 0;
    if (partials) {
      for (LayerStats layer : stats.values()) {
        store.put(
            CaptureLayout.partial(job.runId(), layer.layer(), job.shard(), job.shards()),
            PartialCodec.encode(layer, excerpts::tokens, PartialCodec.DEFAULT_BLOCK));
      }
    } else {
      RecordAssembler assembler =
          new RecordAssembler(excerpts::tokens, tokenizer::tokenTexts, tokenizer::tokenText);
      for (LayerStats layer : stats.values()) {
        written += RecordWriter.write(layer, assembler, store);
      }
      store.put(CaptureLayout.collated(job.runId()), spec.toJson());
    }
    return new Outcome(excerpts.count(), shardIds.length, written, partials);
  }
}
