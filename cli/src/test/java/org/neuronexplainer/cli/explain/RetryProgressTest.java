package org.neuronexplainer.cli.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmResponse;

/** What explain-neuron says while the LLM endpoint refuses every connection, and at the end. */
class RetryProgressTest {

  @Test
  void saysWhatItWaitsOnThenThatTheEndpointIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port + "/v1";
    LlmConfig config =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", base,
                "LLM_MODEL", "gpt-test",
                "LLM_MAX_ATTEMPTS", "6",
                "LLM_RETRY_INITIAL_MS", "100",
                "LLM_RETRY_MAX_MS", "300"));
    StringWriter text = new StringWriter();
    CompletableFuture<LlmResponse> call;
    Throwable failure;
    try (RetryProgress progress =
            new RetryProgress(new PrintWriter(text, true), Duration.ofMillis(500));
        LlmClient client = LlmClient.builder(config).retryListener(progress).build()) {
      ObjectNode body =
          new ObjectMapper().createObjectNode().put("prompt", "hi").put("max_tokens", 1);
      call = client.send(LlmRequest.completions(body));
      Await.until(
          Duration.ofSeconds(5),
          "the first notice",
          () -> text.toString().contains("attempt 1 of 6"));
      Await.until(Duration.ofSeconds(10), "the call to fail", call::isDone);
      failure = call.handle((response, error) -> error).join();
    }
    String[] lines = text.toString().split("\n");
    assertThat(lines[0])
        .isEqualTo(
            "waiting for " + base + "/completions: connection refused, attempt 1 of 6, 0 s so far");
    assertThat(lines).allMatch(line -> line.startsWith("waiting for " + base));
    // Five retries over about 1.2 s, told at most every 500 ms: not one line per attempt.
    assertThat(lines.length).isBetween(2, 4);
    RuntimeException error =
        LlmFailures.explain(new CompletionException(failure), new NeuronId(0, 1), config);
    assertThat(error.getMessage())
        .isEqualTo(
            "neuron 0:1 failed: the LLM endpoint "
                + base
                + " is unreachable (connection refused on 6 attempts); check --llm-url"
                + " (LLM_BASE_URL) and that the server is running, or raise --llm-max-attempts"
                + " (LLM_MAX_ATTEMPTS) to wait longer");
  }
}
