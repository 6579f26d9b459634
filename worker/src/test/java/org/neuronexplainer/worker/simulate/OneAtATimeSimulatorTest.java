package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.Golden;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.Role;

class OneAtATimeSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXPLANATION = "references to Canada";
  private static final List<String> TOKENS = List.of(" in", " Canada", "\n\nLast token:\n");

  private final OneAtATimeSimulator simulator = new OneAtATimeSimulator("chat-model");

  /** A chat response whose first generated token has these alternatives. */
  static JsonNode chatResponse(Map<String, Double> top) {
    ObjectNode response = JSON.createObjectNode();
    ObjectNode choice = response.putArray("choices").addObject();
    choice.putObject("message").put("role", "assistant").put("content", "0");
    ArrayNode alternatives =
        choice
            .putObject("logprobs")
            .putArray("content")
            .addObject()
            .put("token", "0")
            .put("logprob", -0.1)
            .putArray("top_logprobs");
    top.forEach(
        (token, logprob) -> alternatives.addObject().put("token", token).put("logprob", logprob));
    return response;
  }

  @Test
  void oneChatRequestPerTokenMatchingTheGoldenBody() {
    List<LlmRequest> requests = simulator.requests(EXPLANATION, TOKENS);

    assertThat(requests).hasSize(3);
    assertThat(requests).allSatisfy(r -> assertThat(r.endpoint()).isEqualTo(EndpointKind.CHAT));
    Golden.assertJson("simulate-one-at-a-time-token-1.json", requests.get(1).body());
    assertThat(requests.get(0).body().get("max_tokens").intValue()).isEqualTo(1);
    assertThat(requests.get(0).body().get("logprobs").booleanValue()).isTrue();
    assertThat(requests.get(0).body().get("top_logprobs").intValue()).isEqualTo(20);
  }

  @Test
  void thePromptShowsTheTextUpToTheTokenAndAnExtraSystemMessage() {
    Prompt prompt = simulator.prompt(EXPLANATION, TOKENS, 1);
    String target = prompt.messages().get(prompt.messages().size() - 1).content();

    assertThat(prompt.messages().stream().filter(m -> m.role() == Role.SYSTEM)).hasSize(2);
    assertThat(target).contains("Text:\n in Canada\n\nLast token in the text:\n Canada\n");
    assertThat(target).doesNotContain("Last token:");
  }

  @Test
  void tokensGoInAsTheyAreUnlessEscaped() {
    OneAtATimeSimulator escaping =
        new OneAtATimeSimulator("m", PromptFormat.CHAT, FewShotSet.SIMULATION.examples(), true);
    Prompt raw = simulator.prompt(EXPLANATION, TOKENS, 2);
    Prompt escaped = escaping.prompt(EXPLANATION, TOKENS, 2);
    String rawTarget = raw.messages().get(raw.messages().size() - 1).content();
    String escapedTarget = escaped.messages().get(escaped.messages().size() - 1).content();

    assertThat(rawTarget).contains("Text:\n in Canada\n\nLast token:\n\n\n");
    assertThat(escapedTarget.lines().filter(line -> line.startsWith("Last token"))).hasSize(1);
    assertThat(escapedTarget).contains("\\n\\nLast token:\\n");
  }

  @Test
  void theWorkedExampleShowsTheExplanationUnderTestAndItsNormalizedValue() {
    Prompt prompt = simulator.prompt(" references to\nCanada ", TOKENS, 0);
    int n = prompt.messages().size();

    // " donate" is 3.0 of the record's max 4.0: floor(7.5) = 7.
    assertThat(prompt.messages().get(n - 2).content()).isEqualTo("7\n\n");
    assertThat(prompt.messages().get(n - 3).content())
        .contains("behavior: the main thing this neuron does is find references to\nCanada\nText:")
        .doesNotContain(FewShotSet.SIMULATION.examples().singleTokenExample().explanation())
        .endsWith(" donate\n\nActivation of the last token, in the context of the text:\n");
  }

  @Test
  void expectedValuesComeFromTheFirstGeneratedToken() {
    List<JsonNode> responses =
        List.of(
            chatResponse(Map.of("0", Math.log(0.9), "1", Math.log(0.1))),
            chatResponse(Map.of("10", Math.log(0.5), "8", Math.log(0.25), " 7", -1.0)),
            chatResponse(Map.of("Sure", -0.1)));

    SequenceSimulation simulation = simulator.parse(EXPLANATION, TOKENS, responses);

    assertThat(simulation.expectedActivations()[0]).isCloseTo(0.1, within(1e-9));
    assertThat(simulation.expectedActivations()[1]).isCloseTo((5 + 2) / 0.75, within(1e-9));
    assertThat(simulation.expectedActivations()[2]).isZero();
    assertThat(simulation.distributionValues().get(2)).isEmpty();
  }

  @Test
  void completionsLogprobsAreReadToo() throws Exception {
    OneAtATimeSimulator text =
        new OneAtATimeSimulator(
            "m", PromptFormat.INSTRUCTION_FOLLOWING, FewShotSet.SIMULATION.examples());
    JsonNode response =
        JSON.readTree(
            "{\"choices\": [{\"text\": \"4\", \"logprobs\": {\"tokens\": [\"4\"],"
                + " \"top_logprobs\": [{\"4\": -0.1, \"5\": -2.4}]}}]}");

    assertThat(text.requests(EXPLANATION, TOKENS).get(0).body().get("logprobs").intValue())
        .isEqualTo(15);
    assertThat(text.parse(EXPLANATION, List.of(" x"), List.of(response)).expectedActivations()[0])
        .isBetween(4.0, 5.0);
  }

  @Test
  void aResponseWithoutLogprobsFails() throws Exception {
    JsonNode response = JSON.readTree("{\"choices\": [{\"message\": {\"content\": \"3\"}}]}");

    assertThatThrownBy(() -> simulator.parse(EXPLANATION, List.of(" x"), List.of(response)))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining("no top logprobs");
  }

  @Test
  void digitsAtMinusInfinityKeepProbabilityZeroUnlessAllAreThere() {
    JsonNode kept = chatResponse(Map.of("3", Math.log(0.5), "4", Double.NEGATIVE_INFINITY));
    JsonNode none =
        chatResponse(Map.of("3", Double.NEGATIVE_INFINITY, "4", Double.NEGATIVE_INFINITY));

    SequenceSimulation simulation =
        simulator.parse(EXPLANATION, TOKENS.subList(0, 1), List.of(kept));

    assertThat(simulation.expectedActivations()[0]).isEqualTo(3.0);
    assertThat(simulation.distributionValues().get(0)).containsExactlyInAnyOrder(3, 4);
    assertThatThrownBy(
            () -> simulator.parse(EXPLANATION, TOKENS.subList(0, 2), List.of(kept, none)))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining("the response for token 1")
        .hasMessageContaining("probability 0");
  }

  @Test
  void noDigitsInAnyResponseFails() {
    List<JsonNode> responses =
        List.of(
            chatResponse(Map.of("I", -0.1)),
            chatResponse(Map.of("I", -0.1)),
            chatResponse(Map.of()));

    assertThatThrownBy(() -> simulator.parse(EXPLANATION, TOKENS, responses))
        .isInstanceOf(SimulationParseException.class);
  }
}
