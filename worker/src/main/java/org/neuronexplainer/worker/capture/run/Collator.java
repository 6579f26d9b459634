package org.neuronexplainer.worker.capture.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.PartialCodec;
import org.neuronexplainer.worker.capture.stats.PartialReader;
import org.neuronexplainer.worker.capture.stats.RecordAssembler;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;

/**
 * The collate stage: merges every shard's partials of a run, layer by layer, into the records a
 * single pass over the whole corpus writes (the merge is exact, see {@link LayerStats#addAll}).
 * Refuses to start while a shard's partial is missing, so no layer is written from part of the
 * corpus.
 */
public final class Collator {
  private Collator() {}

  /** Returns the number of neurons written. */
  public static int collate(BlobStore store, String runId, SubjectTokenizer tokenizer) {
    CaptureSpec spec = spec(store, runId);
    List<String> missing = new ArrayList<>();
    for (int layer : spec.layers()) {
      for (int shard = 0; shard < spec.shards(); shard++) {
        String key = CaptureLayout.partial(runId, layer, shard, spec.shards());
        if (!store.exists(key)) {
          missing.add(key);
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "run "
              + runId
              + " is not complete: missing "
              + missing.size()
              + " partials, e.g. "
              + missing.get(0));
    }
    int written = 0;
    List<Integer> dead = new ArrayList<>();
    for (int layer : spec.layers()) {
      written += collateLayer(store, runId, spec, layer, tokenizer, dead);
    }
    if (spec.subject() != null) {
      RecordWriter.writeSubject(spec.subject().withDeadLatents(dead), store);
    }
    store.put(CaptureLayout.collated(runId), spec.toJson());
    return written;
  }

  /**
   * The dataset's subject record once collated: for an SAE, with its dead latents. Empty before
   * collate, or for a run whose spec predates the record.
   */
  public static Optional<DatasetSubject> subject(BlobStore store) {
    return store
        .get(DatasetSubject.KEY)
        .map(bytes -> DatasetSubject.fromJson(bytes, DatasetSubject.KEY));
  }

  /** The spec of a run, or a named error when there is none. */
  public static CaptureSpec spec(BlobStore store, String runId) {
    String key = CaptureLayout.spec(runId);
    byte[] bytes =
        store
            .get(key)
            .orElseThrow(
                () -> new IllegalStateException("no capture run " + runId + " (no " + key + ")"));
    return CaptureSpec.fromJson(bytes, key);
  }

  private static int collateLayer(
      BlobStore store,
      String runId,
      CaptureSpec spec,
      int layer,
      SubjectTokenizer tokenizer,
      List<Integer> dead) {
    LayerStats merged = null;
    Map<Integer, int[]> tokens = new HashMap<>();
    for (int shard = 0; shard < spec.shards(); shard++) {
      String key = CaptureLayout.partial(runId, layer, shard, spec.shards());
      PartialCodec.Partial partial = PartialReader.read(store, key).orElseThrow();
      LayerStats part = partial.stats();
      if (merged == null) {
        merged =
            LayerStats.create(
                layer, part.neurons(), spec.settings(), part.vocabSize(), spec.excerpts());
      }
      merged.addAll(part);
      tokens.putAll(partial.excerptTokens());
    }
    if (merged.excerpts() != spec.excerpts()) {
      throw new IllegalStateException(
          "run "
              + runId
              + ", layer "
              + layer
              + ": the partials hold "
              + merged.excerpts()
              + " excerpts, the spec says "
              + spec.excerpts());
    }
    RecordAssembler assembler =
        new RecordAssembler(tokens::get, tokenizer::tokenTexts, tokenizer::tokenText);
    boolean latents = spec.subject() != null && spec.subject().holdsSaeLatents();
    List<Integer> skipped = latents ? RecordWriter.deadLatents(merged) : List.of();
    dead.addAll(skipped);
    return RecordWriter.write(merged, assembler, store, skipped);
  }
}
