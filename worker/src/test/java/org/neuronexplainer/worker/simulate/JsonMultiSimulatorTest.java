package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.records.Normalization;

class JsonMultiSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIRST = List.of(" in", " Canada");
  private static final List<String> SECOND = List.of(" to", " Ottawa", "<|endoftext|>");

  private final JsonMultiSimulator simulator = new JsonMultiSimulator("chat-model", 2);

  private static JsonNode reply(String content) {
    ObjectNode response = JSON.createObjectNode();
    response.putArray("choices").addObject().putObject("message").put("content", content);
    return response;
  }

  private static String document(int... values) {
    List<String> items = new ArrayList<>();
    for (int value : values) {
      items.add("{\"token\": \"t\", \"activation\": " + value + "}");
    }
    return "{\"activations\": [" + String.join(", ", items) + "]}";
  }

  private static String documents(String... documents) {
    return "{\"documents\": [" + String.join(", ", documents) + "]}";
  }

  private static List<JsonNode> messages(LlmRequest request) {
    List<JsonNode> messages = new ArrayList<>();
    request.body().get("messages").forEach(messages::add);
    return messages;
  }

  private static JsonNode content(JsonNode message) throws Exception {
    return JSON.readTree(message.get("content").textValue());
  }

  @Test
  void oneChatRequestAsksForEverySequenceOfTheGroup() throws Exception {
    List<LlmRequest> requests =
        simulator.groupRequests(" references to Canada ", List.of(FIRST, SECOND));

    assertThat(requests).hasSize(1);
    LlmRequest request = requests.get(0);
    assertThat(request.endpoint()).isEqualTo(EndpointKind.CHAT);
    assertThat(request.body().get("max_tokens").asInt()).isEqualTo(2 * JsonSimulator.MAX_TOKENS);
    assertThat(request.body().get("temperature").asInt()).isZero();
    assertThat(request.body().at("/response_format/type").asText()).isEqualTo("json_object");
    List<JsonNode> messages = messages(request);
    List<FewShotExample> examples = FewShotSet.SIMULATION.examples().examples();
    // The system message, one user/assistant pair per example, the target last.
    assertThat(messages).hasSize(1 + 2 * examples.size() + 1);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    JsonNode target = content(messages.get(messages.size() - 1));
    assertThat(target.get("to_find").textValue()).isEqualTo("references to Canada");
    assertThat(target.get("documents")).hasSize(2);
    JsonNode second = target.get("documents").get(1);
    assertThat(second.get("document").textValue()).isEqualTo(" to Ottawa<|endoftext|>");
    assertThat(second.get("activations")).hasSize(3);
    assertThat(second.at("/activations/2/token").textValue()).isEqualTo("<|endoftext|>");
    assertThat(second.at("/activations/0/activation").isNull()).isTrue();
  }

  @Test
  void eachExampleIsOnePairHoldingAllItsRecordsWithNormalizedValues() throws Exception {
    List<JsonNode> messages = messages(simulator.requests("e", FIRST).get(0));
    List<FewShotExample> examples = FewShotSet.SIMULATION.examples().examples();
    for (int i = 0; i < examples.size(); i++) {
      FewShotExample example = examples.get(i);
      JsonNode question = content(messages.get(1 + 2 * i));
      JsonNode answer = content(messages.get(2 + 2 * i));
      assertThat(question.get("documents")).hasSize(example.records().size());
      assertThat(answer.get("documents")).hasSize(example.records().size());
      double max = Normalization.maxActivation(example.records());
      for (int r = 0; r < example.records().size(); r++) {
        int[] values = Normalization.normalize(example.records().get(r), max);
        JsonNode activations = answer.get("documents").get(r).get("activations");
        for (int t = 0; t < values.length; t++) {
          assertThat(activations.get(t).get("activation").asInt()).isEqualTo(values[t]);
          JsonNode asked =
              question.get("documents").get(r).get("activations").get(t).get("activation");
          assertThat(asked.isNull()).isTrue();
        }
      }
    }
  }

  @Test
  void theSharedPrefixIsTheSameWhateverTheNeuron() {
    List<JsonNode> one = messages(simulator.groupRequests("e", List.of(FIRST, SECOND)).get(0));
    List<JsonNode> other = messages(simulator.requests("something else", SECOND).get(0));

    assertThat(one.subList(0, one.size() - 1)).isEqualTo(other.subList(0, other.size() - 1));
  }

  @Test
  void aGroupLargerThanAllowedIsRefused() {
    assertThatThrownBy(() -> simulator.groupRequests("e", List.of(FIRST, SECOND, FIRST)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(simulator.groups(List.of(FIRST, SECOND, FIRST)))
        .containsExactly(List.of(FIRST, SECOND), List.of(FIRST));
  }

  @Test
  void aValidReplyGivesEachSequenceItsValues() {
    String content = "```json\n" + documents(document(0, 9), document(10, 0, 3)) + "\n```";

    List<SequenceSimulation> simulations =
        simulator.parseGroup("e", List.of(FIRST, SECOND), List.of(reply(content)));

    assertThat(simulations).hasSize(2);
    assertThat(simulations.get(0).tokens()).isEqualTo(FIRST);
    assertThat(simulations.get(0).expectedActivations()).containsExactly(0.0, 9.0);
    assertThat(simulations.get(1).tokens()).isEqualTo(SECOND);
    assertThat(simulations.get(1).expectedActivations()).containsExactly(10.0, 0.0, 3.0);
    assertThat(simulations.get(1).distributionValues()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON|the neuron fires on Canada|not valid JSON",
        "not an object|[1, 2]|not a JSON object",
        "single-document answer|{\"activations\": []}|no \"documents\" list",
        "a document missing|ONE|1 documents for 2 sequences",
        "a document too many|THREE|3 documents for 2 sequences",
        "a document cut short|SHORT|document 1 has 2 activations for 3 tokens",
        "a value out of range|RANGE|outside 0..10",
        "a document not an object|{\"documents\": [1, 2]}|document 0 is not an object",
      })
  void aGarbageOrPartialReplyFailsTheWholeGroup(String name, String content, String message) {
    String reply =
        switch (content) {
          case "ONE" -> documents(document(0, 1));
          case "THREE" -> documents(document(0, 1), document(0, 0, 0), document(1));
          case "SHORT" -> documents(document(0, 1), document(0, 0));
          case "RANGE" -> documents(document(0, 1), document(0, 11, 0));
          default -> content;
        };

    assertThatThrownBy(
            () -> simulator.parseGroup("e", List.of(FIRST, SECOND), List.of(reply(reply))))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aSplitIsSentInGroupsAndABadGroupIsAskedForAgainAlone() {
    List<List<String>> split = List.of(FIRST, SECOND, FIRST, SECOND, FIRST);
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger badOnce = new AtomicInteger();
    LlmTransport transport =
        request -> {
          calls.incrementAndGet();
          JsonNode target;
          try {
            target = content(messages(request).get(messages(request).size() - 1));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          List<String> answers = new ArrayList<>();
          for (JsonNode document : target.get("documents")) {
            answers.add(document(new int[document.get("activations").size()]));
          }
          if (answers.size() == 1 && badOnce.getAndIncrement() == 0) {
            // The last group's first answer is cut short.
            return CompletableFuture.completedFuture(reply(documents()));
          }
          return CompletableFuture.completedFuture(
              reply(documents(answers.toArray(String[]::new))));
        };

    List<SequenceSimulation> simulations =
        new LlmSimulator(simulator, transport).simulateAll("e", split).toCompletableFuture().join();

    assertThat(simulations).hasSize(5);
    assertThat(simulations.stream().map(SequenceSimulation::tokens))
        .containsExactlyElementsOf(split);
    // Three groups (2, 2 and 1 sequences), the last asked for twice.
    assertThat(calls).hasValue(4);
  }

  @Test
  void afterTheLastAttemptTheGroupFailsAndIsNotZeros() {
    AtomicInteger calls = new AtomicInteger();
    LlmTransport transport =
        request -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(reply(documents(document(0, 0))));
        };

    CompletableFuture<List<SequenceSimulation>> result =
        new LlmSimulator(simulator, transport, 3)
            .simulateAll("e", List.of(FIRST, SECOND))
            .toCompletableFuture();

    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SimulationParseException.class)
        .hasStackTraceContaining("1 documents for 2 sequences");
    assertThat(calls).hasValue(3);
  }

  @Test
  void itIsItsOwnBackendWithItsOwnName() {
    assertThat(SimulatorKind.fromConfigName("json-multi")).isEqualTo(SimulatorKind.JSON_MULTI);
    SimulationProtocol protocol = SimulatorKind.JSON_MULTI.protocol("m");
    assertThat(protocol).isInstanceOf(JsonMultiSimulator.class);
    assertThat(protocol.sequencesPerCall())
        .isEqualTo(JsonMultiSimulator.DEFAULT_SEQUENCES_PER_CALL);
    assertThat(SimulatorKind.JSON.protocol("m").sequencesPerCall()).isEqualTo(1);
  }
}
