package org.neuronexplainer.worker.capture.run;

import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.RecordAssembler;

/**
 * Writes a layer's NeuronRecords and activation-based token tables in the public layout. Each file
 * is one atomic put, so a reader never sees half a record.
 */
final class RecordWriter {
  private RecordWriter() {}

  static int write(LayerStats stats, RecordAssembler assembler, BlobStore store) {
    int[] neurons = stats.neurons();
    for (int j = 0; j < neurons.length; j++) {
      String recordKey = CaptureLayout.neuronRecord(stats.layer(), neurons[j]);
      store.put(recordKey, DatasetJson.toBytes(assembler.neuronRecord(stats, j), recordKey));
      String tableKey = CaptureLayout.tokenTable(stats.layer(), neurons[j]);
      store.put(tableKey, DatasetJson.toBytes(assembler.tokenTable(stats, j), tableKey));
    }
    return neurons.length;
  }
}
