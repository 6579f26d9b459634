package org.neuronexplainer.common.messaging;

import java.util.Objects;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * Simulate one neuron's activations from its explanations alone.
 *
 * @param explanationKey storage key of the stage's input
 */
public record SimulateJob(
    int schemaVersion, JobHeader header, NeuronId neuron, String explanationKey) implements Job {

  public SimulateJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(neuron, "neuron");
    Messages.requireText(explanationKey, "explanationKey");
  }

  public SimulateJob(JobHeader header, NeuronId neuron, String explanationKey) {
    this(Messages.SCHEMA_VERSION, header, neuron, explanationKey);
  }

  @Override
  public Stage stage() {
    return Stage.SIMULATE;
  }

  @Override
  public String unit() {
    return neuron.toString();
  }

  @Override
  public SimulateJob withHeader(JobHeader header) {
    return new SimulateJob(schemaVersion, header, neuron, explanationKey);
  }
}
