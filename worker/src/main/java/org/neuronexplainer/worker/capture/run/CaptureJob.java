package org.neuronexplainer.worker.capture.run;

import java.util.List;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;

/**
 * One capture invocation: a corpus shard and a set of layers.
 *
 * @param neurons neuron indices to keep and write in each layer, or null for all
 * @param batch excerpts per forward pass, or {@link BatchSize#AUTO} for as many as the device holds
 * @param partialsOnly write the shard's partials for a later collate even when it is the only shard
 */
public record CaptureJob(
    String runId,
    String model,
    List<String> corpus,
    int shard,
    int shards,
    int[] layers,
    int[] neurons,
    CaptureSettings settings,
    int batch,
    boolean partialsOnly) {

  public CaptureJob {
    if (shards < 1 || shard < 0 || shard >= shards) {
      throw new IllegalArgumentException("shard " + shard + "/" + shards + " does not exist");
    }
    corpus = List.copyOf(corpus);
  }

  CaptureSpec spec(int excerpts) {
    return new CaptureSpec(
        CaptureSpec.VERSION, model, corpus, excerpts, shards, layers, neurons, settings, null);
  }

  /** The spec of one dataset of the run: its units' layers, and what they are. */
  CaptureSpec spec(int excerpts, List<CaptureUnit> units, DatasetSubject subject) {
    int[] unitLayers = units.stream().mapToInt(CaptureUnit::layer).toArray();
    return new CaptureSpec(
        CaptureSpec.VERSION,
        model,
        corpus,
        excerpts,
        shards,
        unitLayers,
        neurons,
        settings,
        subject);
  }
}
