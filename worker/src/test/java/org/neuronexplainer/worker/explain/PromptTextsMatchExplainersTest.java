package org.neuronexplainer.worker.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/** The shipped texts are the explainers' texts, so reading them changes no prompt. */
class PromptTextsMatchExplainersTest {

  private final PromptTexts texts = PromptTexts.defaults();

  @Test
  void theTokenActivationPairExplainersTextsAreTheShippedOnes() {
    assertThat(texts.get(PromptText.EXPLAINER_SYSTEM))
        .isEqualTo(TokenActivationPairExplainer.SYSTEM);
    assertThat(texts.get(PromptText.EXPLANATION_PREFIX))
        .isEqualTo(TokenActivationPairExplainer.PREFIX);
    ActivationRecord sparse = new ActivationRecord(List.of("x", "y", "z", "w", "v", "u"), ones());
    String user =
        new TokenActivationPairExplainer(ExplainerSettings.defaults("m", PromptFormat.CHAT))
            .prompt(List.of(sparse))
            .messages()
            .get(1)
            .content();
    assertThat(user)
        .startsWith("\n\n" + texts.format(PromptText.NEURON_HEADING, Map.of("number", 1)))
        .contains("\n" + texts.get(PromptText.ACTIVATIONS_HEADING))
        .contains(texts.get(PromptText.EXPLAINER_WITHOUT_ZEROS_HEADING))
        .contains(
            texts.format(PromptText.EXPLANATION_HEADING, Map.of("number", 1))
                + " "
                + texts.get(PromptText.EXPLANATION_PREFIX));
  }

  @Test
  void theTokenSpaceExplainersTextsAreTheShippedOnes() {
    assertThat(texts.get(PromptText.TOKEN_SPACE_SYSTEM)).isEqualTo(TokenSpaceExplainer.SYSTEM);
    assertThat(texts.get(PromptText.TOKEN_SPACE_SEED)).isEqualTo(TokenSpaceExplainer.SEED);
    String user =
        new TokenSpaceExplainer(ExplainerSettings.defaults("m", PromptFormat.CHAT))
            .prompt(List.of("a"))
            .messages()
            .get(1)
            .content();
    assertThat(user)
        .contains(texts.get(PromptText.TOKEN_SPACE_TOKENS_HEADING) + "\n")
        .contains(texts.get(PromptText.TOKEN_SPACE_EXPLANATION_HEADING) + "\n");
  }

  private static double[] ones() {
    // One token of six fires: under the 20% that repeats the records without zeros.
    return new double[] {1, 0, 0, 0, 0, 0};
  }
}
