package org.neuronexplainer.worker.pipeline;

import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronRecord;

/**
 * Where the explain-and-score stage gets a neuron's NeuronRecord: from the store, at the public
 * layout's key, which a run from collated activations (e.g. OpenAI's published ones) finds there
 * and a capture run's collate stage writes. This stays the seam between them and the per-neuron
 * job.
 */
public interface NeuronRecordSource {

  /**
   * The record stored at {@code key} (a job's {@code recordKey}: the public layout's key in the
   * run's dataset), or empty when the store has none there.
   */
  Optional<NeuronRecord> record(String key);
}
