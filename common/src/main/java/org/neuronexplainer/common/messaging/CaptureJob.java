package org.neuronexplainer.common.messaging;

import java.util.Objects;

/**
 * Capture one corpus shard through a range of layers: one forward pass serves every neuron of those
 * layers, so capture is cut by shard and layers, never by neuron.
 *
 * @param corpusShardKey storage key of the shard's token sequences
 * @param partialsPrefix storage prefix under which the shard's per-neuron partials are written
 */
public record CaptureJob(
    int schemaVersion,
    JobHeader header,
    LayerRange layers,
    int shard,
    String corpusShardKey,
    String partialsPrefix)
    implements Job {

  public CaptureJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(layers, "layers");
    if (shard < 0) {
      throw new IllegalArgumentException("shard must be non-negative, got " + shard);
    }
    Messages.requireText(corpusShardKey, "corpusShardKey");
    Messages.requireText(partialsPrefix, "partialsPrefix");
  }

  public CaptureJob(
      JobHeader header,
      LayerRange layers,
      int shard,
      String corpusShardKey,
      String partialsPrefix) {
    this(Messages.SCHEMA_VERSION, header, layers, shard, corpusShardKey, partialsPrefix);
  }

  @Override
  public Stage stage() {
    return Stage.CAPTURE;
  }

  @Override
  public String unit() {
    return "layers:" + layers + "/shard:" + shard;
  }

  @Override
  public CaptureJob withHeader(JobHeader header) {
    return new CaptureJob(schemaVersion, header, layers, shard, corpusShardKey, partialsPrefix);
  }
}
