package org.neuronexplainer.worker.pipeline;

import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;

/**
 * Where the per-neuron stages get a neuron's NeuronRecord. Today it is read from the store (runs
 * that start from collated activations, e.g. OpenAI's published ones); the capture and collate
 * stages will write the same keys, so this stays the seam between them and the per-neuron stages.
 */
public interface NeuronRecordSource {

  /** The record, or empty when the store has none for this neuron. */
  Optional<NeuronRecord> record(NeuronId neuron);
}
