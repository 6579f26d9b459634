package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.TokenActivationPairExplainer;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.Tokenizer;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.texts.PromptInputs;

class SimulatorKindTest {

  @Test
  void namesMapToBackends() {
    assertThat(SimulatorKind.fromConfigName(" JSON ")).isEqualTo(SimulatorKind.JSON);
    assertThat(SimulatorKind.BASELINE.create("m", LlmTransport.none()))
        .isInstanceOf(BaselineSimulator.class);
    assertThat(SimulatorKind.ALL_AT_ONCE.create("m", LlmTransport.none()))
        .isInstanceOf(LlmSimulator.class);
    assertThat(SimulatorKind.fromConfigName("line").protocol("m"))
        .isInstanceOf(LineSimulator.class);
    assertThat(SimulatorKind.LINE.defaultFormat()).isEqualTo(PromptFormat.CHAT);
    assertThat(
            ExplainerKind.fromConfigName("token-activation-pair")
                .create(ExplainerSettings.defaults("m", PromptFormat.CHAT)))
        .isInstanceOf(TokenActivationPairExplainer.class);
    assertThatThrownBy(() -> SimulatorKind.fromConfigName("magic"))
        .hasMessageContaining(
            "expected all-at-once, one-at-a-time, line, json, json-multi or baseline");
  }

  @Test
  void settingsReachTheProtocol() {
    SimulatorSettings settings = SimulatorSettings.defaults("m");
    PromptInputs escaping = PromptInputs.defaults().withEscapeTokens(true);
    List<String> tokens = List.of("a\tb");

    String raw =
        SimulatorKind.ALL_AT_ONCE
            .protocol(SimulatorSettings.defaults("m"))
            .requests("e", tokens)
            .get(0)
            .body()
            .get("prompt")
            .textValue();
    String escaped =
        SimulatorKind.ALL_AT_ONCE
            .protocol(settings, escaping)
            .requests("e", tokens)
            .get(0)
            .body()
            .get("prompt")
            .textValue();

    assertThat(raw).endsWith("<start>\na\tb\tunknown\n<end>\n");
    assertThat(escaped).endsWith("<start>\na\\tb\tunknown\n<end>\n");
    assertThat(
            SimulatorKind.ALL_AT_ONCE
                .protocol(
                    settings.withFormat(PromptFormat.CHAT).withAllAtOnceMaxTokens(1), escaping)
                .requests("e", tokens)
                .get(0)
                .body()
                .get("max_tokens")
                .intValue())
        .isEqualTo(1);
    assertThatThrownBy(
            () -> SimulatorKind.JSON.protocol(settings.withFormat(PromptFormat.NONE), escaping))
        .hasMessageContaining("chat format");
  }

  @Test
  void theBaselineNeedsNoModelAndCallsNothing() {
    assertThat(SimulatorKind.BASELINE.needsModel()).isFalse();
    assertThat(ExplainerKind.BASELINE.needsModel()).isFalse();
    assertThat(
            SimulatorKind.BASELINE
                .create("m", LlmTransport.none())
                .simulate("the token \"a\"", List.of("a", "b"))
                .toCompletableFuture()
                .join()
                .expectedActivations())
        .containsExactly(10, 0);
  }

  @Test
  void aRequestsTokenCountMatchesItsPromptsCount() {
    for (TokenCounter counter :
        List.of(
            TokenCounter.approximate(),
            TokenCounter.of(Tokenizer.CL100K_BASE),
            TokenCounter.of(Tokenizer.O200K_BASE))) {
      AllAtOnceSimulator text = new AllAtOnceSimulator("m");
      LlmRequest completions = text.requests("e", List.of(" a")).get(0);
      OneAtATimeSimulator chat = new OneAtATimeSimulator("m");
      LlmRequest chatRequest = chat.requests("e", List.of(" a")).get(0);

      assertThat(counter.count(completions))
          .as(counter.toString())
          .isEqualTo(counter.count(text.prompt("e", List.of(" a"))));
      assertThat(counter.count(chatRequest))
          .as(counter.toString())
          .isEqualTo(counter.count(chat.prompt("e", List.of(" a"), 0)));
    }
  }
}
