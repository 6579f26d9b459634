package org.neuronexplainer.common.dataset.json;

import static org.neuronexplainer.common.dataset.json.DatasetType.NEURON_ID;
import static org.neuronexplainer.common.dataset.json.DatasetType.NEURON_SIMULATION_RESULTS;
import static org.neuronexplainer.common.dataset.json.DatasetType.SCORED_EXPLANATION;
import static org.neuronexplainer.common.dataset.json.DatasetType.SCORED_SEQUENCE_SIMULATION;
import static org.neuronexplainer.common.dataset.json.DatasetType.SCORED_SIMULATION;
import static org.neuronexplainer.common.dataset.json.DatasetType.SEQUENCE_SIMULATION;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;

/** JSON of the explanation-file types, from SequenceSimulation up to NeuronSimulationResults. */
final class SimulationsCodec {
  private SimulationsCodec() {}

  static SequenceSimulation readSequenceSimulation(JsonFields f) throws DatasetFormatException {
    List<String> tokens = f.strings("tokens");
    double[] expected = f.numbers("expected_activations");
    Lengths.requireSame(
        f, "expected_activations", tokens.size(), "token", expected.length, "expected activation");
    ActivationScale scale;
    try {
      scale = ActivationScale.fromJson(f.string("activation_scale"));
    } catch (IllegalArgumentException e) {
      throw f.error("activation_scale", e.getMessage());
    }
    // Before the Python PR #32 the logprob-free simulators wrote null here; read it as empty.
    List<double[]> values = f.numberLists("distribution_values");
    List<double[]> probabilities = f.numberLists("distribution_probabilities");
    if (!values.isEmpty()) {
      Lengths.requireSame(
          f, "distribution_values", tokens.size(), "token", values.size(), "distribution");
    }
    Lengths.requireSame(
        f,
        "distribution_probabilities",
        values.size(),
        "distribution value list",
        probabilities.size(),
        "probability list");
    for (int i = 0; i < values.size(); i++) {
      Lengths.requireSame(
          f,
          "distribution_probabilities[" + i + "]",
          values.get(i).length,
          "value",
          probabilities.get(i).length,
          "probability");
    }
    SequenceSimulation uncalibrated =
        f.objectOrNull(
            "uncalibrated_simulation",
            SEQUENCE_SIMULATION,
            SimulationsCodec::readSequenceSimulation);
    return new SequenceSimulation(tokens, expected, scale, values, probabilities, uncalibrated);
  }

  static void write(SequenceSimulation simulation, CompactJsonWriter w) {
    w.beginObject();
    w.strings("tokens", simulation.tokens());
    w.numbers("expected_activations", simulation.expectedActivations());
    w.name("activation_scale").value(simulation.activationScale().jsonValue());
    w.numberLists("distribution_values", simulation.distributionValues());
    w.numberLists("distribution_probabilities", simulation.distributionProbabilities());
    w.name("uncalibrated_simulation");
    if (simulation.uncalibratedSimulation() == null) {
      w.nullValue();
    } else {
      write(simulation.uncalibratedSimulation(), w);
    }
    w.endWithMarker(SEQUENCE_SIMULATION);
  }

  static ScoredSequenceSimulation readScoredSequenceSimulation(JsonFields f)
      throws DatasetFormatException {
    SequenceSimulation simulation =
        f.object("simulation", SEQUENCE_SIMULATION, SimulationsCodec::readSequenceSimulation);
    double[] trueActivations = f.numbers("true_activations");
    Lengths.requireSame(
        f,
        "true_activations",
        simulation.tokens().size(),
        "simulated token",
        trueActivations.length,
        "true activation");
    return new ScoredSequenceSimulation(
        simulation,
        trueActivations,
        f.number("ev_correlation_score"),
        f.number("rsquared_score"),
        f.number("absolute_dev_explained_score"));
  }

  static void write(ScoredSequenceSimulation scored, CompactJsonWriter w) {
    w.beginObject();
    w.name("simulation");
    write(scored.simulation(), w);
    w.numbers("true_activations", scored.trueActivations());
    w.name("ev_correlation_score").value(scored.evCorrelationScore());
    w.name("rsquared_score").value(scored.rsquaredScore());
    w.name("absolute_dev_explained_score").value(scored.absoluteDevExplainedScore());
    w.endWithMarker(SCORED_SEQUENCE_SIMULATION);
  }

  static ScoredSimulation readScoredSimulation(JsonFields f) throws DatasetFormatException {
    return new ScoredSimulation(
        f.objects(
            "scored_sequence_simulations",
            SCORED_SEQUENCE_SIMULATION,
            SimulationsCodec::readScoredSequenceSimulation),
        f.number("ev_correlation_score"),
        f.number("rsquared_score"),
        f.number("absolute_dev_explained_score"));
  }

  static void write(ScoredSimulation scored, CompactJsonWriter w) {
    w.beginObject();
    w.name("scored_sequence_simulations").beginArray();
    scored.scoredSequenceSimulations().forEach(s -> write(s, w));
    w.endArray();
    w.name("ev_correlation_score").value(scored.evCorrelationScore());
    w.name("rsquared_score").value(scored.rsquaredScore());
    w.name("absolute_dev_explained_score").value(scored.absoluteDevExplainedScore());
    w.endWithMarker(SCORED_SIMULATION);
  }

  static ScoredExplanation readScoredExplanation(JsonFields f) throws DatasetFormatException {
    return new ScoredExplanation(
        f.string("explanation"),
        f.object("scored_simulation", SCORED_SIMULATION, SimulationsCodec::readScoredSimulation));
  }

  static void write(ScoredExplanation explanation, CompactJsonWriter w) {
    w.beginObject();
    w.name("explanation").value(explanation.explanation());
    w.name("scored_simulation");
    write(explanation.scoredSimulation(), w);
    w.endWithMarker(SCORED_EXPLANATION);
  }

  static NeuronSimulationResults readNeuronSimulationResults(JsonFields f)
      throws DatasetFormatException {
    return new NeuronSimulationResults(
        f.object("neuron_id", NEURON_ID, ActivationsCodec::readNeuronId),
        f.objects(
            "scored_explanations", SCORED_EXPLANATION, SimulationsCodec::readScoredExplanation));
  }

  static void write(NeuronSimulationResults results, CompactJsonWriter w) {
    w.beginObject();
    w.name("neuron_id");
    ActivationsCodec.write(results.neuronId(), w);
    w.name("scored_explanations").beginArray();
    results.scoredExplanations().forEach(e -> write(e, w));
    w.endArray();
    w.endWithMarker(NEURON_SIMULATION_RESULTS);
  }
}
