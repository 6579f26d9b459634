package org.neuronexplainer.worker.pipeline;

import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;

/** NeuronRecords from {@code collated-activations/{layer}/{neuron}.json} of a store's datasets. */
public final class StoreNeuronRecords implements NeuronRecordSource {

  private final BlobStore store;

  public StoreNeuronRecords(BlobStore store) {
    this.store = store;
  }

  /** The record of {@code neuron} at the store's root. */
  public Optional<NeuronRecord> record(NeuronId neuron) {
    return record(RunRecords.recordKey(neuron));
  }

  @Override
  public Optional<NeuronRecord> record(String key) {
    return store
        .get(key)
        .map(
            bytes -> {
              try {
                return DatasetJson.read(bytes, key, NeuronRecord.class);
              } catch (DatasetFormatException e) {
                // A broken record stays broken: no retry will fix it.
                throw new PermanentException(key + ": " + e.getMessage(), e);
              }
            });
  }
}
