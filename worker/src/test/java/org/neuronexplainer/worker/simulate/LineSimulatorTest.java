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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.prompt.PromptFormat;

class LineSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String END = LineSimulator.END_MARKER;

  /** A token with a newline in it and one that is a tab, raw. */
  private static final List<String> TOKENS = List.of(" Monday", "\n", "\t", " rain");

  private final LineSimulator simulator = new LineSimulator("chat-model");

  private static JsonNode chatReply(String content) {
    ObjectNode response = JSON.createObjectNode();
    response.putArray("choices").addObject().putObject("message").put("content", content);
    return response;
  }

  private static String lines(String... valuesInOrder) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < TOKENS.size(); i++) {
      out.append(TOKENS.get(i)).append('\t').append(valuesInOrder[i]).append(END).append('\n');
    }
    return out.toString();
  }

  private double[] parse(String reply) {
    return simulator.parse("e", TOKENS, List.of(chatReply(reply))).expectedActivations();
  }

  @Test
  void oneChatRequestAtTemperatureZero() {
    List<LlmRequest> requests = simulator.requests("days of the week", TOKENS);
    JsonNode body = requests.get(0).body();
    JsonNode messages = body.get("messages");

    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).endpoint()).isEqualTo(EndpointKind.CHAT);
    assertThat(body.get("max_tokens").intValue()).isEqualTo(LineSimulator.MAX_TOKENS);
    assertThat(body.get("temperature").intValue()).isZero();
    assertThat(body.has("echo")).isFalse();
    assertThat(messages.get(messages.size() - 1).get("content").textValue())
        .endsWith(
            "Sequence 1, tokens only:\n Monday\t"
                + END
                + "\n\n\t"
                + END
                + "\n\t\t"
                + END
                + "\n rain\t"
                + END
                + "\n\n\nSequence 1, tokens with activations:\n");
  }

  @Test
  void theRepeatedLinesGiveTheValues() {
    SequenceSimulation simulation =
        simulator.parse("e", TOKENS, List.of(chatReply(lines("10", "0", " 3 ", "0"))));

    assertThat(simulation.expectedActivations()).containsExactly(10, 0, 3, 0);
    assertThat(simulation.tokens()).isEqualTo(TOKENS);
    assertThat(simulation.activationScale())
        .isEqualTo(ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS);
    assertThat(simulation.distributionValues()).isEmpty();
  }

  @Test
  void textBeforeTheFirstLineAndWhitespaceAfterTheLastAreIgnored() {
    assertThat(parse("Here are the activations:\n" + lines("9", "0", "0", "1") + "\n\n"))
        .containsExactly(9, 0, 0, 1);
  }

  @Test
  void theLastLineMayEndWithoutANewline() {
    String reply = lines("1", "2", "3", "4");

    assertThat(parse(reply.substring(0, reply.length() - 1))).containsExactly(1, 2, 3, 4);
  }

  @Test
  void completionsTextIsReadToo() {
    LineSimulator completions =
        new LineSimulator("m", PromptFormat.NONE, FewShotSet.TEST.examples().examples(), false);
    ObjectNode response = JSON.createObjectNode();
    response.putArray("choices").addObject().put("text", lines("0", "0", "5", "0"));

    assertThat(completions.requests("e", TOKENS).get(0).endpoint())
        .isEqualTo(EndpointKind.COMPLETIONS);
    assertThat(completions.requests("e", TOKENS).get(0).body().get("echo").booleanValue())
        .isFalse();
    assertThat(completions.parse("e", TOKENS, List.of(response)).expectedActivations())
        .containsExactly(0, 0, 5, 0);
  }

  @Test
  void escapedTokensAreExpectedEscaped() {
    LineSimulator escaping =
        new LineSimulator("m", PromptFormat.CHAT, FewShotSet.TEST.examples().examples(), true);
    String reply =
        " Monday\t4" + END + "\n\\n\t0" + END + "\n\\t\t0" + END + "\n rain\t7" + END + "\n";

    assertThat(escaping.parse("e", TOKENS, List.of(chatReply(reply))).expectedActivations())
        .containsExactly(4, 0, 0, 7);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no line for the first token  | I cannot do that. | the reply has no line for the first token
          a value out of range         | VALUES:11,0,0,0   | the value of line 0 is not a whole number
          a value that is not a number | VALUES:high,0,0,0 | the value of line 0 is not a whole number
          an empty value               | VALUES:,0,0,0     | the value of line 0 is not a whole number
          a missing line               | MISSING           | line 3 does not start with token
          an extra line                | EXTRA             | goes on after the line of the last token
          a token changed              | CHANGED           | line 3 does not start with token
          a missing end marker         | NO_MARKER         | line 0 has no end marker
          """)
  void aGarbageReplyFailsWithTheReason(String what, String reply, String reason) {
    String good = lines("0", "0", "0", "0");
    String text =
        switch (reply) {
          case "MISSING" -> good.replace(" rain\t0" + END + "\n", "");
          case "EXTRA" -> good + " snow\t0" + END + "\n";
          case "CHANGED" -> good.replace(" rain", " Rain");
          case "NO_MARKER" -> good.replaceFirst(END, "");
          default ->
              reply.startsWith("VALUES:")
                  ? lines(reply.substring("VALUES:".length()).split(",", -1))
                  : reply;
        };

    assertThatThrownBy(() -> parse(text))
        .as(what)
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void aResponseWithoutContentFails() throws Exception {
    JsonNode response = JSON.readTree("{\"choices\": [{\"text\": \"0\"}]}");

    assertThatThrownBy(() -> simulator.parse("e", TOKENS, List.of(response)))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining("no message content");
  }

  @Test
  void garbageOnEveryAttemptFailsTheSimulationInsteadOfScoringZeros() {
    AtomicInteger calls = new AtomicInteger();
    LlmTransport transport =
        request -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(chatReply("0\n0\n0\n0"));
        };

    CompletableFuture<SequenceSimulation> result =
        new LlmSimulator(simulator, transport, 3).simulate("e", TOKENS).toCompletableFuture();

    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SimulationParseException.class)
        .hasMessageContaining("after 3 attempts");
    assertThat(calls).hasValue(3);
  }
}
