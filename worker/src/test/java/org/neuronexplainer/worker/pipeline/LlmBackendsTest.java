package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.explain.ExplainRequest;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.LlmExplainer;
import org.neuronexplainer.worker.llm.CallBudget;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.Tokenizer;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.texts.PromptInputs;

class LlmBackendsTest {

  private final LlmClient client =
      LlmClient.builder(
              LlmConfig.fromEnv(Map.of("LLM_BASE_URL", "http://127.0.0.1:9/v1", "LLM_MODEL", "m")))
          .build();
  private final LlmBackends backends = new LlmBackends(client);

  @AfterEach
  void close() {
    client.close();
  }

  private static RunSpec spec(String explainer, String simulator) {
    return new RunSpec("r", "store", null, null, explainer, simulator, "linear", null, 2);
  }

  @Test
  void anLlmJobHasItsOwnAccountUnderTheClientsTotals() {
    NeuronBackends one = backends.forNeuron(spec("token-activation-pair", "json"));
    NeuronBackends two = backends.forNeuron(spec("token-activation-pair", "json"));
    assertThat(one.account()).isNotNull().isNotSameAs(two.account());
    assertThat(one.account().rollsUpTo(client.usage())).isTrue();
    assertThat(one.transport()).isInstanceOf(ClientTransport.class);
    assertThat(((ClientTransport) one.transport()).account()).isSameAs(one.account());
  }

  @Test
  void aBaselineJobHasNoAccountAndAnUnknownBackendIsPermanent() {
    assertThat(backends.forNeuron(spec("baseline", "baseline")).account()).isNull();
    assertThatThrownBy(() -> backends.forNeuron(spec("oracle", "json")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("oracle");
  }

  @Test
  void theExplainerCountsTokensWithTheClientsTokenizer() {
    ExplainerInput input = ExplainerInput.of(TestNeurons.canada());
    ExplainRequest byModel =
        ((LlmExplainer) backends.explainer(spec("token-activation-pair", "json"))).request(input);
    assertThat(byModel.promptTokens())
        .isEqualTo(TokenCounter.of(Tokenizer.CL100K_BASE).count(byModel.prompt()));

    try (LlmClient estimating =
        LlmClient.builder(
                LlmConfig.fromEnv(
                    Map.of(
                        "LLM_BASE_URL", "http://127.0.0.1:9/v1",
                        "LLM_MODEL", "m",
                        "LLM_TOKENIZER", "estimate")))
            .build()) {
      ExplainRequest estimated =
          ((LlmExplainer)
                  new LlmBackends(estimating).explainer(spec("token-activation-pair", "json")))
              .request(input);
      assertThat(estimated.promptTokens())
          .isEqualTo(TokenCounter.approximate().count(estimated.prompt()))
          .isNotEqualTo(byModel.promptTokens());
    }
  }

  @Test
  void allAtOnceAsksForNoTokensUnlessTheEndpointNeedsOne() {
    assertThat(allAtOnceMaxTokens(backends)).isZero();
    // vLLM refuses max_tokens 0; the worker's WORKER_ALL_AT_ONCE_MAX_TOKENS=1 asks for one.
    assertThat(allAtOnceMaxTokens(new LlmBackends(client, s -> PromptInputs.defaults(), 1)))
        .isEqualTo(1);
  }

  /** The max_tokens of the request the all-at-once simulator sends through {@code backends}. */
  private static int allAtOnceMaxTokens(LlmBackends backends) {
    List<LlmRequest> sent = new ArrayList<>();
    LlmTransport recording =
        request -> {
          sent.add(request);
          return CompletableFuture.failedFuture(new IllegalStateException("not answered"));
        };
    backends
        .simulator(spec("baseline", "all-at-once"), recording)
        .simulate("the word \"Canada\"", List.of(" in", " Canada"));
    assertThat(sent).isNotEmpty();
    assertThat(sent.get(0).body().path("echo").asBoolean()).isTrue();
    return sent.get(0).body().path("max_tokens").asInt(-1);
  }

  @Test
  void aSimulatorOfItsOwnGetsItsOwnClientAndModelAndABatchRunIsRefused() {
    LlmConfig split =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", "http://127.0.0.1:9/v1",
                "LLM_MODEL", "m",
                "LLM_SIMULATOR_BASE_URL", "http://127.0.0.1:10/v1",
                "LLM_SIMULATOR_MODEL", "small"));
    try (LlmClients clients = LlmClients.open(split, null, LlmCallListener.NONE)) {
      LlmBackends two = clients.backends(spec -> PromptInputs.defaults(), 1);
      NeuronBackends job = two.forNeuron(spec("token-activation-pair", "json"));
      assertThat(((ClientTransport) job.transport()).client()).isSameAs(clients.explainer());
      assertThat(clients.simulator()).isNotSameAs(clients.explainer());
      assertThat(clients.simulator().usage()).isSameAs(clients.explainer().usage());
      assertThat(job.account().rollsUpTo(clients.simulator().usage())).isTrue();
      assertThat(LlmBackends.simulatorModel(spec("token-activation-pair", "json"), split))
          .isEqualTo("small");
      assertThat(
              LlmBackends.simulatorModel(
                  spec("token-activation-pair", "json").withSimulatorModel("other"), split))
          .isEqualTo("other");

      RunSpec batch = spec("token-activation-pair", "json").withBatch(true);
      assertThatThrownBy(() -> two.forNeuron(batch, CallBudget.NONE, "0:1"))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("Batch API")
          .hasMessageContaining("LLM_SIMULATOR_BASE_URL");
    }
  }
}
