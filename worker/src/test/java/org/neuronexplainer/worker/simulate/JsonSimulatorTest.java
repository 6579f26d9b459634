package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.Golden;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmRequest;

class JsonSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TOKENS = List.of(" in", " Canada", "<|endoftext|>");

  private final JsonSimulator simulator = new JsonSimulator("chat-model");

  private static JsonNode reply(String content) {
    ObjectNode response = JSON.createObjectNode();
    response.putArray("choices").addObject().putObject("message").put("content", content);
    return response;
  }

  private static String activations(String... items) {
    return "{\"activations\": [" + String.join(", ", items) + "]}";
  }

  @Test
  void requestMatchesTheGoldenBody() {
    List<LlmRequest> requests = simulator.requests("references to Canada", TOKENS);

    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).endpoint()).isEqualTo(EndpointKind.CHAT);
    Golden.assertJson("simulate-json.json", requests.get(0).body());
  }

  private static JsonNode target(JsonSimulator simulator, String explanation) throws Exception {
    JsonNode body = simulator.requests(explanation, TOKENS).get(0).body();
    JsonNode messages = body.get("messages");
    return JSON.readTree(messages.get(messages.size() - 1).get("content").textValue());
  }

  @Test
  void theTargetIsOneJsonObjectWithNullActivationsAndRawText() throws Exception {
    JsonNode target = target(simulator, " references\nto Canada ");

    assertThat(target.get("to_find").textValue()).isEqualTo("references\nto Canada");
    assertThat(target.get("document").textValue()).isEqualTo(" in Canada<|endoftext|>");
    assertThat(target.get("activations")).hasSize(3);
    assertThat(target.get("activations").get(2).get("token").textValue())
        .isEqualTo("<|endoftext|>");
    assertThat(target.get("activations").get(0).get("activation").isNull()).isTrue();
  }

  @Test
  void escapingNeutralizesMarkersAndFlattensTheExplanation() throws Exception {
    JsonSimulator escaping =
        new JsonSimulator("chat-model", FewShotSet.SIMULATION.examples().examples(), true);
    JsonNode target = target(escaping, "references\nto Canada");

    assertThat(target.get("to_find").textValue()).isEqualTo("references to Canada");
    assertThat(target.get("document").textValue()).isEqualTo(" in Canada<_|endoftext|>");
  }

  @Test
  void aValidReplyGivesItsValues() {
    String content =
        "```json\n"
            + activations(
                "{\"token\": \" in\", \"activation\": 0}",
                "{\"token\": \" Canada\", \"activation\": 9.5}",
                "{\"token\": \"x\", \"activation\": 10}")
            + "\n```";

    SequenceSimulation simulation = simulator.parse("e", TOKENS, List.of(reply(content)));

    assertThat(simulation.expectedActivations()).containsExactly(0.0, 9.5, 10.0);
    assertThat(simulation.tokens()).isEqualTo(TOKENS);
    assertThat(simulation.distributionValues()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wrong length|{\"activations\": [{\"token\": \"a\", \"activation\": 1}]}|has 1 activations for 3",
        "not JSON|the neuron fires on Canada|not valid JSON",
        "no list|{\"values\": [1, 2, 3]}|no \"activations\" list",
        "missing activation|ITEMS{\"token\": \"c\"}|not an object with",
        "missing token|ITEMS{\"activation\": 1}|not an object with",
        "above 10|ITEMS{\"token\": \"c\", \"activation\": 11}|outside 0..10",
        "negative|ITEMS{\"token\": \"c\", \"activation\": -1}|outside 0..10",
        "a string|ITEMS{\"token\": \"c\", \"activation\": \"5\"}|not a number",
        "null|ITEMS{\"token\": \"c\", \"activation\": null}|not a number",
      })
  void anInvalidReplyFailsInsteadOfBecomingZeros(String name, String content, String message) {
    String reply =
        content.startsWith("ITEMS")
            ? activations(
                "{\"token\": \"a\", \"activation\": 0}",
                "{\"token\": \"b\", \"activation\": 0}",
                content.substring("ITEMS".length()))
            : content;

    assertThatThrownBy(() -> simulator.parse("e", TOKENS, List.of(reply(reply))))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aReplyWithoutContentFails() throws Exception {
    JsonNode refusal = JSON.readTree("{\"choices\": [{\"message\": {\"content\": null}}]}");

    assertThatThrownBy(() -> simulator.parse("e", TOKENS, List.of(refusal)))
        .isInstanceOf(SimulationParseException.class);
  }
}
