package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.prompt.Message;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/** The shipped texts are the simulators' texts, so reading them changes no prompt. */
class PromptTextsMatchSimulatorsTest {

  private final PromptTexts texts = PromptTexts.defaults();

  @Test
  void theSystemMessagesAreTheShippedOnes() {
    assertThat(texts.get(PromptText.ALL_AT_ONCE_SYSTEM)).isEqualTo(SimulationPrompts.SYSTEM);
    assertThat(texts.get(PromptText.ONE_AT_A_TIME_SYSTEM)).isEqualTo(SimulationPrompts.SYSTEM);
    assertThat(texts.get(PromptText.ONE_AT_A_TIME_SINGLE_TOKEN_SYSTEM))
        .isEqualTo(OneAtATimeSimulator.SINGLE_TOKEN_SYSTEM);
    assertThat(texts.get(PromptText.JSON_SYSTEM)).isEqualTo(JsonSimulator.SYSTEM);
  }

  @Test
  void theNeuronLinesAreTheShippedOnes() {
    assertThat(SimulationPrompts.explanationMessage(4, "x"))
        .isEqualTo(
            "\n\n"
                + texts.format(PromptText.NEURON_HEADING, Map.of("number", 4))
                + "\n"
                + texts.format(PromptText.EXPLANATION_HEADING, Map.of("number", 4))
                + " "
                + texts.get(PromptText.EXPLANATION_PREFIX)
                + " x");
    assertThat(SimulationPrompts.activationsMessage("B"))
        .isEqualTo("\n" + texts.get(PromptText.ACTIVATIONS_HEADING) + " B\n");
  }

  @Test
  void theOneAtATimeQuestionLinesAreTheShippedOnes() {
    List<Message> messages =
        new OneAtATimeSimulator("m").prompt("x", List.of("a", "b"), 1).messages();
    String question = messages.get(messages.size() - 1).content();

    assertThat(question)
        .contains("\n" + texts.get(PromptText.ONE_AT_A_TIME_TEXT_HEADING) + "\nab\n")
        .contains("\n" + texts.get(PromptText.ONE_AT_A_TIME_LAST_TOKEN_HEADING) + "\nb\n")
        .endsWith("\n" + texts.get(PromptText.ONE_AT_A_TIME_QUESTION) + "\n");
  }
}
