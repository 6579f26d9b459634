package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.Reply.json;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.chatReply;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** The client tells its listener how each call ended, with the call's tokens and cost. */
class LlmCallListenerTest {

  private record Call(
      String model,
      EndpointKind endpoint,
      LlmCallListener.Outcome outcome,
      TokenUsage usage,
      double cost) {}

  @TempDir Path dir;
  private ScriptedLlmServer server;
  private LlmClient client;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer();
    LlmConfig config =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", server.root() + "/v1",
                "LLM_MODEL", "gpt-test",
                "LLM_MAX_ATTEMPTS", "2",
                "LLM_RETRY_INITIAL_MS", "5",
                "LLM_RETRY_MAX_MS", "10",
                "LLM_PRICES", "gpt-test=1000000:2000000"));
    client =
        LlmClient.builder(config)
            .cache(new LocalDirectoryStore(dir))
            .listener(
                (model, endpoint, outcome, latency, usage, cost) -> {
                  assertThat(latency.isNegative()).isFalse();
                  calls.add(new Call(model, endpoint, outcome, usage, cost));
                })
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void successCachedRateLimitedAndErrorAreToldApart() throws Exception {
    server.then(json(200, chatReply("hi", 10, 2)));
    LlmClientTest.await(client.send(LlmClientTest.chat("a")));
    LlmClientTest.await(client.send(LlmClientTest.chat("a")));
    server.then(json(429, "{}"), json(429, "{}"));
    assertThatThrownBy(() -> LlmClientTest.await(client.send(LlmClientTest.chat("b"))));
    server.then(json(400, "{}"));
    assertThatThrownBy(() -> LlmClientTest.await(client.send(LlmClientTest.chat("c"))));

    assertThat(calls)
        .extracting(Call::outcome)
        .containsExactly(
            LlmCallListener.Outcome.SUCCESS,
            LlmCallListener.Outcome.CACHED,
            LlmCallListener.Outcome.RATE_LIMITED,
            LlmCallListener.Outcome.ERROR);
    Call first = calls.get(0);
    assertThat(first.model()).isEqualTo("gpt-test");
    assertThat(first.endpoint()).isEqualTo(EndpointKind.CHAT);
    assertThat(first.usage()).isEqualTo(new TokenUsage(10, 2, 0));
    assertThat(first.cost()).isEqualTo(14.0);
    assertThat(calls.get(1).usage()).isEqualTo(TokenUsage.NONE);
    assertThat(calls.get(1).cost()).isZero();
  }

  @Test
  void aListenerThatThrowsDoesNotFailTheCall() throws Exception {
    LlmClient throwing =
        LlmClient.builder(client.config())
            .listener(
                (model, endpoint, outcome, latency, usage, cost) -> {
                  throw new IllegalStateException("broken meter");
                })
            .build();
    try {
      server.then(json(200, chatReply("hi", 1, 1)));
      assertThat(LlmClientTest.await(throwing.send(LlmClientTest.chat("x"))).fromCache()).isFalse();
    } finally {
      throwing.close();
    }
  }
}
