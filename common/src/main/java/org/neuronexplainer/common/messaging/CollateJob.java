package org.neuronexplainer.common.messaging;

import java.util.Objects;

/**
 * Merge the capture partials of a block of neurons into one NeuronRecord each.
 *
 * @param partialsPrefix storage prefix under which the capture jobs wrote their partials
 */
public record CollateJob(
    int schemaVersion, JobHeader header, NeuronBlock block, String partialsPrefix) implements Job {

  public CollateJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(block, "block");
    Messages.requireText(partialsPrefix, "partialsPrefix");
  }

  public CollateJob(JobHeader header, NeuronBlock block, String partialsPrefix) {
    this(Messages.SCHEMA_VERSION, header, block, partialsPrefix);
  }

  @Override
  public Stage stage() {
    return Stage.COLLATE;
  }

  @Override
  public String unit() {
    return block.toString();
  }

  @Override
  public CollateJob withHeader(JobHeader header) {
    return new CollateJob(schemaVersion, header, block, partialsPrefix);
  }
}
