package org.neuronexplainer.common.messaging;

import java.util.Objects;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * Explain one neuron from its collated NeuronRecord (the explainer comes from the run spec).
 *
 * @param recordKey storage key of the stage's input
 */
public record ExplainJob(int schemaVersion, JobHeader header, NeuronId neuron, String recordKey)
    implements Job {

  public ExplainJob {
    Messages.checkVersion(schemaVersion);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(neuron, "neuron");
    Messages.requireText(recordKey, "recordKey");
  }

  public ExplainJob(JobHeader header, NeuronId neuron, String recordKey) {
    this(Messages.SCHEMA_VERSION, header, neuron, recordKey);
  }

  @Override
  public Stage stage() {
    return Stage.EXPLAIN;
  }

  @Override
  public String unit() {
    return neuron.toString();
  }

  @Override
  public ExplainJob withHeader(JobHeader header) {
    return new ExplainJob(schemaVersion, header, neuron, recordKey);
  }
}
