package org.neuronexplainer.common.messaging;

import java.util.Objects;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * Score one neuron's simulations against its real activations.
 *
 * @param simulationKey storage key of the stage's input
 */
public record ScoreJob(int schemaVersion, JobHeader header, NeuronId neuron, String simulationKey)
    implements Job {

  public ScoreJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(neuron, "neuron");
    Messages.requireText(simulationKey, "simulationKey");
  }

  public ScoreJob(JobHeader header, NeuronId neuron, String simulationKey) {
    this(Messages.SCHEMA_VERSION, header, neuron, simulationKey);
  }

  @Override
  public Stage stage() {
    return Stage.SCORE;
  }

  @Override
  public String unit() {
    return neuron.toString();
  }

  @Override
  public ScoreJob withHeader(JobHeader header) {
    return new ScoreJob(schemaVersion, header, neuron, simulationKey);
  }
}
