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

class SimulatorKindTest {

  @Test
  void namesMapToBackends() {
    assertThat(SimulatorKind.fromConfigName(" JSON ")).isEqualTo(SimulatorKind.JSON);
    assertThat(SimulatorKind.BASELINE.create("m", LlmTransport.none()))
        .isInstanceOf(BaselineSimulator.class);
    assertThat(SimulatorKind.ALL_AT_ONCE.create("m", LlmTransport.none()))
        .isInstanceOf(LlmSimulator.class);
    assertThat(
            ExplainerKind.fromConfigName("token-activation-pair")
                .create(ExplainerSettings.defaults("m", PromptFormat.CHAT)))
        .isInstanceOf(TokenActivationPairExplainer.class);
    assertThatThrownBy(() -> SimulatorKind.fromConfigName("magic"))
        .hasMessageContaining("expected all-at-once, one-at-a-time, json or baseline");
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
