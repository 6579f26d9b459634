package org.neuronexplainer.worker.capture.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.RecordAssembler;

/**
 * Writes a layer's NeuronRecords and activation-based token tables in the public layout, and the
 * dataset's {@link DatasetSubject} record. Each file is one atomic put, so a reader never sees half
 * a record.
 */
public final class RecordWriter {
  private RecordWriter() {}

  public static int write(LayerStats stats, RecordAssembler assembler, BlobStore store) {
    return write(stats, assembler, store, List.of());
  }

  /** Writes every neuron but those listed in {@code skipped} (by index, sorted or not). */
  public static int write(
      LayerStats stats, RecordAssembler assembler, BlobStore store, List<Integer> skipped) {
    Set<Integer> skip = new HashSet<>(skipped);
    int[] neurons = stats.neurons();
    int written = 0;
    for (int j = 0; j < neurons.length; j++) {
      if (skip.contains(neurons[j])) {
        continue;
      }
      String recordKey = CaptureLayout.neuronRecord(stats.layer(), neurons[j]);
      store.put(recordKey, DatasetJson.toBytes(assembler.neuronRecord(stats, j), recordKey));
      String tableKey = CaptureLayout.tokenTable(stats.layer(), neurons[j]);
      store.put(tableKey, DatasetJson.toBytes(assembler.tokenTable(stats, j), tableKey));
      written++;
    }
    return written;
  }

  /**
   * The latents of an SAE that were never active over the corpus (their largest activation is not
   * above 0): no record is written for them (docs/method.md, SAE latents).
   */
  public static List<Integer> deadLatents(LayerStats stats) {
    List<Integer> dead = new ArrayList<>();
    int[] neurons = stats.neurons();
    for (int j = 0; j < neurons.length; j++) {
      if (!(stats.maxActivation(j) > 0)) {
        dead.add(neurons[j]);
      }
    }
    dead.sort(null);
    return dead;
  }

  /** Writes the dataset's subject record at the store's root. */
  public static void writeSubject(DatasetSubject subject, BlobStore store) {
    store.put(DatasetSubject.KEY, subject.toJson());
  }
}
