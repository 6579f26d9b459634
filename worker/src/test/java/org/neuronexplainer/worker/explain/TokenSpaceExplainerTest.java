package org.neuronexplainer.worker.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.worker.Golden;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.records.SliceParams;

class TokenSpaceExplainerTest {
  private static final TokenLookupTableSummaryOfNeuron SUMMARY =
      new TokenLookupTableSummaryOfNeuron(
          List.of(" Canada", " Canadian", " Ottawa", "it's", "a\tb"),
          new double[] {3.81, 3.44, 2.9, 1.0, 0.5});

  private static TokenSpaceExplainer explainer(PromptFormat format) {
    return new TokenSpaceExplainer(ExplainerSettings.defaults("explainer-model", format));
  }

  private static ExplainerInput input() {
    return new ExplainerInput(TestNeurons.canada(), SliceParams.paper(), SUMMARY);
  }

  @Test
  void chatRequestMatchesTheGoldenBody() {
    Golden.assertJson(
        "explain-token-space-chat.json",
        explainer(PromptFormat.CHAT).request(input()).request().body());
  }

  @Test
  void instructionFollowingPutsTheSeedAfterTheMarker() {
    String prompt = explainer(PromptFormat.INSTRUCTION_FOLLOWING).prompt(SUMMARY.tokens()).text();

    Golden.assertText("explain-token-space-if.txt", prompt);
    assertThat(prompt).endsWith("Explanation:\n<|endofprompt|>This neuron is looking for");
  }

  @Test
  void tokensAreQuotedRawOrEscaped() {
    assertThat(TokenSpaceExplainer.quote("it's", false)).isEqualTo("'it's'");
    assertThat(TokenSpaceExplainer.quote("a\tb\n", false)).isEqualTo("'a\tb\n'");
    assertThat(TokenSpaceExplainer.quote("it's", true)).isEqualTo("'it\\'s'");
    assertThat(TokenSpaceExplainer.quote("a\tb\n", true)).isEqualTo("'a\\tb\\n'");
  }

  @Test
  void everyTokenOfTheTableIsShownByDefault() {
    List<String> tokens = IntStream.range(0, 120).mapToObj(i -> " t" + i).toList();
    TokenLookupTableSummaryOfNeuron table =
        new TokenLookupTableSummaryOfNeuron(tokens, new double[tokens.size()]);
    ExplainerInput input = new ExplainerInput(TestNeurons.canada(), SliceParams.paper(), table);

    String user = explainer(PromptFormat.CHAT).request(input).prompt().messages().get(1).content();
    assertThat(user).contains("' t0', ' t1', ").contains(", ' t119'\n");
  }

  @Test
  void onlyTheFirstTokensAreShownWhenLimited() {
    TokenSpaceExplainer two =
        new TokenSpaceExplainer(
            ExplainerSettings.defaults("m", PromptFormat.CHAT),
            List.of(),
            2,
            TokenCounter.approximate());

    String user = two.request(input()).prompt().messages().get(1).content();
    assertThat(user).contains("' Canada', ' Canadian'\n").doesNotContain("Ottawa");
  }

  @Test
  void fewShotModeShowsTheBundledExamplesFirst() {
    Prompt prompt =
        TokenSpaceExplainer.withFewShot(ExplainerSettings.defaults("m", PromptFormat.CHAT))
            .prompt(SUMMARY.tokens());

    // System, three examples with their answers, the target.
    assertThat(prompt.messages()).hasSize(8);
    assertThat(prompt.messages().get(2).content()).startsWith(" ").endsWith(".");
    assertThat(prompt.messages().get(7).content()).contains("' Canada', ' Canadian'");
  }

  @Test
  void theTokenTableIsRequired() {
    assertThatThrownBy(
            () -> explainer(PromptFormat.CHAT).request(ExplainerInput.of(TestNeurons.canada())))
        .hasMessageContaining("token lookup table");
  }

  @Test
  void parsingRemovesOneFinalPeriodAndNothingElse() throws Exception {
    var response =
        new ObjectMapper()
            .readTree(
                "{\"choices\": [{\"message\": {\"content\": \" names of Canadian places.\"}},"
                    + " {\"message\": {\"content\": \" Canada.. \"}},"
                    + " {\"message\": {\"content\": \" Canada \"}}]}");

    assertThat(explainer(PromptFormat.CHAT).parse(response))
        .containsExactly(
            new Explanation(" names of Canadian places.", " names of Canadian places"),
            new Explanation(" Canada.. ", " Canada."),
            new Explanation(" Canada ", " Canada "));
  }
}
