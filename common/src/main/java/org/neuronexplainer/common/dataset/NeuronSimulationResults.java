package org.neuronexplainer.common.dataset;

import java.util.List;
import java.util.Objects;

/** A neuron's scored explanations (an "explanations" file, one JSON object on one line). */
public record NeuronSimulationResults(
    NeuronId neuronId, List<ScoredExplanation> scoredExplanations) {

  public NeuronSimulationResults {
    Objects.requireNonNull(neuronId, "neuronId");
    scoredExplanations = List.copyOf(scoredExplanations);
  }
}
