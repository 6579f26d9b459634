package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.Reply.json;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.chatReply;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The notices a client gives while a call waits to try again. */
class LlmRetryListenerTest {

  private final List<LlmRetryListener.Retry> retries = new CopyOnWriteArrayList<>();
  private final List<Long> settled = new CopyOnWriteArrayList<>();
  private final LlmRetryListener recorder =
      new LlmRetryListener() {
        @Override
        public void retrying(Retry retry) {
          retries.add(retry);
        }

        @Override
        public void settled(long call) {
          settled.add(call);
        }
      };

  private static Map<String, String> env(String baseUrl) {
    return Map.of(
        "LLM_BASE_URL", baseUrl,
        "LLM_API_KEY", "sk-test",
        "LLM_MODEL", "gpt-test",
        "LLM_TIMEOUT_SECONDS", "2",
        "LLM_MAX_ATTEMPTS", "4",
        "LLM_RETRY_INITIAL_MS", "5",
        "LLM_RETRY_MAX_MS", "20");
  }

  /** A loopback port nothing listens on: opened, then closed again. */
  static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aClosedPortIsReportedOnEveryRetryAndEndsUnreachable() throws Exception {
    String base = "http://127.0.0.1:" + closedPort() + "/v1";
    try (LlmClient client =
        LlmClient.builder(LlmConfig.fromEnv(env(base))).retryListener(recorder).build()) {
      assertThatThrownBy(() -> LlmClientTest.await(client.send(LlmClientTest.chat("hi"))))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              PermanentLlmException.class,
              e -> {
                assertThat(e.status()).isZero();
                assertThat(e.attempts()).isEqualTo(4);
                assertThat(e.attemptsExhausted()).isTrue();
                assertThat(e.reason()).isEqualTo("connection refused");
              });
    }
    assertThat(retries).extracting(LlmRetryListener.Retry::attempt).containsExactly(1, 2, 3);
    assertThat(retries)
        .allSatisfy(
            r -> {
              assertThat(r.url()).isEqualTo(base + "/chat/completions");
              assertThat(r.reason()).isEqualTo("connection refused");
              assertThat(r.status()).isZero();
              assertThat(r.maxAttempts()).isEqualTo(4);
              assertThat(r.nextIn()).isPositive();
            });
    assertThat(retries.get(2).elapsed()).isGreaterThanOrEqualTo(retries.get(0).elapsed());
    assertThat(settled).containsExactly(retries.get(0).call());
  }

  @Test
  void aCallThatRecoversIsSettledAndOneWithoutRetriesIsNotReported() throws Exception {
    try (ScriptedLlmServer server = new ScriptedLlmServer()) {
      server.then(
          json(503, "busy"), json(200, chatReply("ok", 1, 1)), json(200, chatReply("ok", 1, 1)));
      try (LlmClient client =
          LlmClient.builder(LlmConfig.fromEnv(env(server.root() + "/v1")))
              .retryListener(recorder)
              .build()) {
        LlmClientTest.await(client.send(LlmClientTest.chat("one")));
        LlmClientTest.await(client.send(LlmClientTest.chat("two")));
      }
    }
    assertThat(retries)
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("HTTP 503"));
    assertThat(settled).containsExactly(retries.get(0).call());
  }
}
