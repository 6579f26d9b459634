package org.neuronexplainer.worker.capture.run;

/** Storage keys of capture and collate (docs/architecture.md, storage layout). */
public final class CaptureLayout {
  private CaptureLayout() {}

  public static String neuronRecord(int layer, int neuron) {
    return "collated-activations/" + layer + "/" + neuron + ".json";
  }

  public static String tokenTable(int layer, int neuron) {
    return "related-tokens/activation-based/" + layer + "/" + neuron + ".json";
  }

  public static String weightTokens(int layer, int neuron) {
    return "related-tokens/weight-based/" + layer + "/" + neuron + ".json";
  }

  public static String relatedNeurons(int layer, int neuron) {
    return "related-neurons/weight-based/" + layer + "/" + neuron + ".json";
  }

  /** The run's capture settings, written by every shard (identical) before its partials. */
  public static String spec(String runId) {
    return "runs/" + runId + "/capture.json";
  }

  /** One layer's statistics over one shard; present means complete (puts are atomic). */
  public static String partial(String runId, int layer, int shard, int shards) {
    return "runs/"
        + runId
        + "/partials/layer-"
        + layer
        + "/shard-"
        + shard
        + "-of-"
        + shards
        + ".bin";
  }

  /** Written last by collate (or a single-pass capture): the records of the run are complete. */
  public static String collated(String runId) {
    return "runs/" + runId + "/collated.json";
  }
}
