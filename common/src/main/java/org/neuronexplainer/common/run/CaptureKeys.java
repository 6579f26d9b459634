package org.neuronexplainer.common.run;

import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.messaging.NeuronBlock;

/**
 * Where a capture run keeps its intermediate records, all under {@code runs/{runId}/}: the corpus
 * cut into shards, the shards' partials, and the markers that say a collate or weights job is
 * complete. Every one is written with one atomic put, so present means complete.
 */
public final class CaptureKeys {

  private CaptureKeys() {}

  private static String run(String runId) {
    return "runs/" + runId + "/";
  }

  /** The token ids of one corpus shard's excerpts, with their corpus-wide ids. */
  public static String corpusShard(String runId, int shard, int shards) {
    return run(runId) + "corpus/shard-" + shard + "-of-" + shards + ".bin";
  }

  /** Written after every shard of the corpus: how many excerpts the corpus gave. */
  public static String corpusManifest(String runId) {
    return run(runId) + "corpus/excerpts.json";
  }

  /** Where the capture jobs write their partials (the capture code's layout below it). */
  public static String partialsPrefix(String runId) {
    return run(runId) + "partials/";
  }

  /** Written by a collate job after its records and its explain-and-score jobs. */
  public static String collated(String runId, NeuronBlock block) {
    return run(runId) + "collated/" + blockName(block) + ".json";
  }

  /** Written by a weights job after its files. */
  public static String weighed(String runId, NeuronBlock block) {
    return run(runId) + "weights/" + blockName(block) + ".json";
  }

  /** Written by the coordinator once a layer range's collate jobs are on their topic. */
  public static String collatePublished(String runId, LayerRange range) {
    return run(runId) + "published/collate-layers-" + range.first() + "-" + range.last() + ".json";
  }

  /** The coordinator's capture plan of a run. */
  public static String plan(String runId) {
    return run(runId) + "capture-plan.json";
  }

  private static String blockName(NeuronBlock block) {
    return "layer-"
        + block.layer()
        + "/neurons-"
        + block.first()
        + "-"
        + (block.first() + block.count() - 1);
  }
}
