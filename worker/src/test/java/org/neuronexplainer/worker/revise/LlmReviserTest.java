package org.neuronexplainer.worker.revise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.explain.ExplanationParseException;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.LlmClients;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RecordRenderer;
import org.neuronexplainer.worker.prompt.Role;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

class LlmReviserTest {
  private static final ExplainerInput INPUT = ExplainerInput.of(Days.neuron(new NeuronId(0, 0), 1));
  private static final LlmReviser REVISER =
      new LlmReviser(ExplainerSettings.defaults("m", PromptFormat.CHAT));

  private static Revision revision() {
    return new Revision(
        INPUT,
        " days of the week.",
        List.of(
            new Disagreement("simulation", true, List.of(" on", " Friday", "\n"), null, List.of(1)),
            new Disagreement(
                "detection", true, List.of(" Sunday", " Monday", " x"), null, List.of(0, 1))),
        List.of());
  }

  @Test
  void thePromptShowsTheRecordsTheExplanationAndTheExcerptsWithTheirMarks() {
    Prompt prompt = REVISER.prompt(revision());

    List<ActivationRecord> records = INPUT.trainRecords();
    String expected =
        "Neuron 1\nActivations:"
            + RecordRenderer.render(records, Normalization.maxActivation(records), false)
            + "\n\nCurrent explanation: days of the week.\n\n"
            + "Excerpts where the neuron responds and the explanation misses it:\n"
            + "1.  on<< Friday>>\\n\n"
            + "2. << Sunday Monday>> x\n\n"
            + "Excerpts the explanation claims but where the neuron stays silent:\n"
            + "(none)\n\n"
            + "Improved explanation: the main thing this neuron does is find";
    assertThat(prompt.messages()).hasSize(2);
    assertThat(prompt.messages().get(0).content())
        .isEqualTo(PromptTexts.defaults().get(PromptText.REVISION_SYSTEM));
    assertThat(prompt.messages().get(1).role()).isEqualTo(Role.USER);
    assertThat(prompt.messages().get(1).content()).isEqualTo(expected);
    JsonNode body = REVISER.request(revision()).body();
    assertThat(body.path("n").asInt()).isEqualTo(1);
    assertThat(body.path("model").asText()).isEqualTo("m");
  }

  @Test
  void theScriptedModelsRevisionIsTheAnswer() throws Exception {
    try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(new ScriptedModel());
        LlmClients clients = clients(server)) {
      Explanation revised =
          REVISER
              .revise(revision(), ClientTransport.forNeuron(clients.explainer()))
              .toCompletableFuture()
              .join();
      assertThat(revised.text()).isEqualTo(ScriptedModel.REVISION);
    }
  }

  @Test
  void anAnswerWithoutTextIsAskedAgainAndThenFailsWithTheReason() throws Exception {
    try (ScriptedLlmServer server =
            new ScriptedLlmServer()
                .otherwise(
                    seen ->
                        ScriptedLlmServer.Reply.json(200, ScriptedLlmServer.chatReply(" ", 5, 1)));
        LlmClients clients = clients(server)) {
      assertThatThrownBy(
              () ->
                  REVISER
                      .revise(revision(), ClientTransport.forNeuron(clients.explainer()))
                      .toCompletableFuture()
                      .join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(ExplanationParseException.class)
          .hasMessageContaining("no revised explanation in the response after 3 attempts");
      assertThat(server.requests()).hasSize(3);
    }
  }

  private static LlmClients clients(ScriptedLlmServer server) {
    return LlmClients.open(
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", server.root() + "/v1",
                "LLM_MODEL", "m",
                "LLM_RETRY_INITIAL_MS", "10")),
        new InMemoryBlobStore(),
        LlmCallListener.NONE);
  }
}
