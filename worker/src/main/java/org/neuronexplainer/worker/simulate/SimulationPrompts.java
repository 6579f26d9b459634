package org.neuronexplainer.worker.simulate;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.explain.TokenActivationPairExplainer;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.RecordRenderer;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.records.Normalization;

/** The parts the logprob simulators' prompts share (docs/method.md 4.1, 4.2). */
final class SimulationPrompts {
  static final String SYSTEM =
      "You are studying one neuron inside a language model. A neuron responds to some particular"
          + " pattern in short pieces of text. Read the explanation of what a neuron responds to,"
          + " then predict how strongly it responds to each token of a document.\n\n"
          + "Each line has the form token<tab>activation. Activations are whole numbers from 0"
          + " to 10, where 0 means no response and 10 the strongest; most activations are 0."
          + " \"unknown\" stands for an activation that has not been given yet.";

  private SimulationPrompts() {}

  /** The user message that states neuron {@code number}'s explanation. */
  static String explanationMessage(int number, String explanation) {
    return "\n\nNeuron "
        + number
        + "\nExplanation of neuron "
        + number
        + " behavior: "
        + TokenActivationPairExplainer.PREFIX
        + " "
        + TokenText.explanation(explanation);
  }

  /** The assistant message holding a records block. */
  static String activationsMessage(String block) {
    return "\nActivations: " + block + "\n";
  }

  /**
   * Each example as an explanation and its records; with {@code fromRevealed} the tokens before
   * each record's first revealed index show {@code unknown} (docs/method.md 4.6).
   */
  static void addExamples(
      PromptBuilder builder, List<FewShotExample> examples, boolean fromRevealed) {
    for (int i = 0; i < examples.size(); i++) {
      FewShotExample example = examples.get(i);
      double max = Normalization.maxActivation(example.records());
      String block =
          fromRevealed
              ? RecordRenderer.renderFromStartIndices(
                  example.records(), max, example.firstRevealedActivationIndices())
              : RecordRenderer.render(example.records(), max);
      builder.user(explanationMessage(i + 1, example.explanation()));
      builder.assistant(activationsMessage(block));
    }
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
