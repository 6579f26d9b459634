package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.Reply.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.simulate.JsonSimulator;
import org.neuronexplainer.worker.simulate.LlmSimulator;
import org.neuronexplainer.worker.simulate.SimulationParseException;

/** A response that does not parse is neither served to its retry nor kept in the cache. */
class ParseRetriesCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TOKENS = List.of(" a", " b");
  private static final String GOOD =
      "{\"activations\": [{\"token\": \" a\", \"activation\": 0},"
          + " {\"token\": \" b\", \"activation\": 7}]}";

  private ScriptedLlmServer server;
  private InMemoryBlobStore store;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer();
    store = new InMemoryBlobStore();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String chatContent(String content) {
    var reply = JSON.createObjectNode();
    reply.putArray("choices").addObject().putObject("message").put("content", content);
    reply.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20);
    return reply.toString();
  }

  private LlmClient client() {
    return client(1);
  }

  private LlmClient client(int httpAttempts) {
    LlmConfig config =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL",
                server.root() + "/v1",
                "LLM_MODEL",
                "m",
                "LLM_MAX_ATTEMPTS",
                String.valueOf(httpAttempts),
                "LLM_RETRY_INITIAL_MS",
                "1",
                "LLM_RETRY_MAX_MS",
                "2"));
    return LlmClient.builder(config).cache(store).build();
  }

  private SequenceSimulation simulate(LlmClient client) {
    return new LlmSimulator(new JsonSimulator("m"), ClientTransport.forNeuron(client))
        .simulate("e", TOKENS)
        .toCompletableFuture()
        .join();
  }

  @Test
  void aRetryIsNotServedTheCachedBadAnswerAndOnlyTheGoodOneStays() {
    server.then(json(200, chatContent("all zeros, trust me")), json(200, chatContent(GOOD)));
    try (LlmClient client = client()) {
      assertThat(simulate(client).expectedActivations()).containsExactly(0, 7);
      assertThat(server.requests()).hasSize(2);
      assertThat(store.list("llm-cache/")).hasSize(1);

      // A second run is answered from the cache with the good response: no HTTP call.
      assertThat(simulate(client).expectedActivations()).containsExactly(0, 7);
      assertThat(server.requests()).hasSize(2);
      assertThat(client.usage().snapshot().cacheHits()).isEqualTo(1);
    }
  }

  @Test
  void aResponseThatNeverParsesFailsAndLeavesNoCacheEntry() {
    server.otherwise(seen -> json(200, chatContent("{\"activations\": []}")));
    try (LlmClient client = client()) {
      assertThatThrownBy(() -> simulate(client))
          .hasCauseInstanceOf(SimulationParseException.class)
          .hasMessageContaining("after 3 attempts");
      assertThat(server.requests()).hasSize(3);
      assertThat(store.list("llm-cache/")).isEmpty();
    }
  }

  @Test
  void anAnswerThatIsNotJsonIsAskedThreeTimesNotTimesTheHttpAttempts() {
    server.otherwise(seen -> json(200, "garbage, not JSON"));
    try (LlmClient client = client(8)) {
      assertThatThrownBy(() -> simulate(client))
          .hasCauseInstanceOf(SimulationParseException.class)
          .hasMessageContaining("after 3 attempts")
          .rootCause()
          .hasMessageContaining("not a JSON object");
      assertThat(server.requests()).hasSize(3);
      assertThat(store.list("llm-cache/")).isEmpty();
    }
  }

  @Test
  void anAnswerThatIsNotJsonOnceIsAskedAgainAndTheGoodOneServes() {
    server.then(json(200, "<html>proxy page</html>"), json(200, chatContent(GOOD)));
    try (LlmClient client = client(8)) {
      assertThat(simulate(client).expectedActivations()).containsExactly(0, 7);
      assertThat(server.requests()).hasSize(2);
    }
  }
}
