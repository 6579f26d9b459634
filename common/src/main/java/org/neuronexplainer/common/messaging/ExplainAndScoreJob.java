package org.neuronexplainer.common.messaging;

import java.util.Objects;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * Explain one neuron from its collated NeuronRecord, simulate its activations from each explanation
 * and score the simulations, in one job (the explainer, simulator and calibration come from the run
 * spec). The three steps run back to back on one worker: a hop through the broker between them
 * would cost more than it could spread.
 *
 * @param recordKey storage key of the neuron's collated NeuronRecord
 */
public record ExplainAndScoreJob(
    int schemaVersion, JobHeader header, NeuronId neuron, String recordKey) implements Job {

  public ExplainAndScoreJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(neuron, "neuron");
    Messages.requireText(recordKey, "recordKey");
  }

  public ExplainAndScoreJob(JobHeader header, NeuronId neuron, String recordKey) {
    this(Messages.SCHEMA_VERSION, header, neuron, recordKey);
  }

  @Override
  public Stage stage() {
    return Stage.EXPLAIN_AND_SCORE;
  }

  @Override
  public String unit() {
    return neuron.toString();
  }

  @Override
  public ExplainAndScoreJob withHeader(JobHeader header) {
    return new ExplainAndScoreJob(schemaVersion, header, neuron, recordKey);
  }
}
