package org.neuronexplainer.worker.simulate;

import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The parts the simulators' prompts share (docs/method.md 4.1 to 4.4): the lines that name a neuron
 * and its explanation, and how token and explanation text reach a prompt. Every fixed text comes
 * from the {@link PromptTexts} a simulator is built with; the newlines around a text are layout,
 * written by the code.
 */
final class SimulationPrompts {
  private SimulationPrompts() {}

  /**
   * Two lines: neuron {@code number}'s heading, then its explanation after the explanation heading
   * and the sentence prefix of docs/method.md 3.4. The explanation goes in as given (see {@link
   * #explanation}).
   */
  static String explanationLines(PromptTexts texts, int number, String explanation) {
    Map<String, Integer> neuron = Map.of("neuron", number);
    return texts.format(PromptText.NEURON_HEADING, neuron)
        + "\n"
        + texts.format(PromptText.EXPLANATION_HEADING, neuron)
        + " "
        + texts.get(PromptText.EXPLANATION_PREFIX)
        + " "
        + explanation;
  }

  /** The label before a records block. */
  static String activationsLabel(PromptTexts texts) {
    return texts.get(PromptText.ACTIVATIONS_HEADING);
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
