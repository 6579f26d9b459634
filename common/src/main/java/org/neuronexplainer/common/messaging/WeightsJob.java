package org.neuronexplainer.common.messaging;

import java.util.Objects;

/** Weight-based token summaries and related neurons of a block of neurons; needs no corpus. */
public record WeightsJob(int schemaVersion, JobHeader header, NeuronBlock block) implements Job {

  public WeightsJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(block, "block");
  }

  public WeightsJob(JobHeader header, NeuronBlock block) {
    this(Messages.SCHEMA_VERSION, header, block);
  }

  @Override
  public Stage stage() {
    return Stage.WEIGHTS;
  }

  @Override
  public String unit() {
    return block.toString();
  }

  @Override
  public WeightsJob withHeader(JobHeader header) {
    return new WeightsJob(schemaVersion, header, block);
  }
}
