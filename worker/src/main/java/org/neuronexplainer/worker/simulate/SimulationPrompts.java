package org.neuronexplainer.worker.simulate;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.explain.TokenActivationPairExplainer;
import org.neuronexplainer.worker.prompt.TokenText;

/**
 * The parts the simulators' prompts share (docs/method.md 4.1 to 4.3): the fixed texts that name a
 * neuron and its explanation, and how token and explanation text reach a prompt. Each simulator
 * keeps its own fixed texts as constants at its top; the newlines around them are layout, written
 * by the code.
 */
final class SimulationPrompts {
  /** The line that numbers a neuron; {@code {neuron}} is its number. */
  static final String NEURON = "Neuron {neuron}";

  /** The label before an explanation; {@code {neuron}} is the neuron's number. */
  static final String EXPLANATION_LABEL = "Explanation of neuron {neuron} behavior:";

  /** The label before a records block. */
  static final String ACTIVATIONS_LABEL = "Activations:";

  private SimulationPrompts() {}

  /**
   * Two lines: neuron {@code number}, then its explanation after the label and the sentence prefix
   * of docs/method.md 3.4. The explanation goes in as given (see {@link #explanation}).
   */
  static String explanationLines(int number, String explanation) {
    String neuron = Integer.toString(number);
    return NEURON.replace("{neuron}", neuron)
        + "\n"
        + EXPLANATION_LABEL.replace("{neuron}", neuron)
        + " "
        + TokenActivationPairExplainer.PREFIX
        + " "
        + explanation;
  }

  /**
   * The explanation under test as a prompt shows it: stripped of surrounding whitespace, every line
   * kept as written; with {@code escape}, on one line with markers neutralized ({@link
   * TokenText#explanation}).
   */
  static String explanation(String explanation, boolean escape) {
    return escape ? TokenText.explanation(explanation) : explanation.strip();
  }

  /** A few-shot example's explanation: as written, or escaped as {@link #explanation}. */
  static String exampleExplanation(String explanation, boolean escape) {
    return escape ? TokenText.explanation(explanation) : explanation;
  }

  /** A token as a prompt shows it: as it is, or escaped by {@link TokenText#token}. */
  static String token(String token, boolean escape) {
    return escape ? TokenText.token(token) : token;
  }

  /** The sequence's tokens, with every digit distribution or with none. */
  static SequenceSimulation simulation(
      List<String> tokens, double[] expected, List<double[]> values, List<double[]> probabilities) {
    return new SequenceSimulation(
        tokens,
        expected,
        ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
        values,
        probabilities,
        null);
  }
}
