package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.llm.LlmTransport;

class LlmSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TOKENS = List.of(" a", " b");

  private static JsonNode reply(String content) {
    ObjectNode response = JSON.createObjectNode();
    response.putArray("choices").addObject().putObject("message").put("content", content);
    return response;
  }

  private static final String GOOD =
      "{\"activations\": [{\"token\": \" a\", \"activation\": 0},"
          + " {\"token\": \" b\", \"activation\": 7}]}";

  @Test
  void anUnparseableReplyIsAskedForAgain() {
    AtomicInteger calls = new AtomicInteger();
    LlmTransport transport =
        request ->
            CompletableFuture.completedFuture(
                reply(calls.incrementAndGet() == 1 ? "all zeros, trust me" : GOOD));

    SequenceSimulation simulation =
        new LlmSimulator(new JsonSimulator("m"), transport)
            .simulate("e", TOKENS)
            .toCompletableFuture()
            .join();

    assertThat(calls).hasValue(2);
    assertThat(simulation.expectedActivations()).containsExactly(0, 7);
  }

  @Test
  void afterTheLastAttemptTheSimulationFailsAndIsNotZeros() {
    AtomicInteger calls = new AtomicInteger();
    LlmTransport transport =
        request -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(reply("{\"activations\": []}"));
        };

    CompletableFuture<SequenceSimulation> result =
        new LlmSimulator(new JsonSimulator("m"), transport, 3)
            .simulate("e", TOKENS)
            .toCompletableFuture();

    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SimulationParseException.class)
        .hasMessageContaining("after 3 attempts");
    assertThat(calls).hasValue(3);
  }

  @Test
  void aTransportFailureIsPassedOn() {
    LlmTransport transport =
        request -> CompletableFuture.failedFuture(new IllegalStateException("HTTP 401"));

    assertThatThrownBy(
            () ->
                new LlmSimulator(new JsonSimulator("m"), transport)
                    .simulate("e", TOKENS)
                    .toCompletableFuture()
                    .join())
        .hasRootCauseMessage("HTTP 401");
  }
}
