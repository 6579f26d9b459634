package org.neuronexplainer.worker.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

class ClassifierProtocolTest {
  private static final ClassifierProtocol DETECTION =
      new ClassifierProtocol(ClassifierKind.DETECTION, "m", true);
  private static final ClassifierProtocol FUZZING =
      new ClassifierProtocol(ClassifierKind.FUZZING, "m", false);

  private static Excerpt excerpt(List<String> tokens, List<Integer> highlighted) {
    return new Excerpt(
        "top:0",
        Excerpt.ACTIVATING,
        new ActivationRecord(tokens, new double[tokens.size()]),
        highlighted,
        true);
  }

  private static JsonNode reply(String content) {
    ObjectNode body = RequestBodies.JSON.createObjectNode();
    body.putArray("choices").addObject().putObject("message").put("content", content);
    return body;
  }

  @Test
  void aDetectionRequestLaysOutTheExplanationAndNumberedExcerpts() {
    LlmRequest request =
        DETECTION.request(
            "days of the week",
            List.of(
                excerpt(List.of(" on", " Monday", "\n"), List.of(1)),
                excerpt(List.of("The", " end"), List.of())));
    PromptTexts texts = PromptTexts.defaults();

    assertThat(request.endpoint()).isEqualTo(EndpointKind.CHAT);
    JsonNode body = request.body();
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").get(0).path("content").asText())
        .isEqualTo(texts.get(PromptText.DETECTION_SYSTEM));
    // Detection shows no highlights; a line break inside a token stays on its line.
    assertThat(body.path("messages").get(1).path("content").asText())
        .isEqualTo(
            "Explanation of the neuron: days of the week\n\n"
                + "Excerpt 1:  on Monday\\n\n"
                + "Excerpt 2: The end\n\n"
                + "Reply with a JSON list of exactly 2 numbers, each 1 or 0, one per excerpt in"
                + " order, and nothing else.");
    assertThat(body.path("logprobs").asBoolean()).isTrue();
    assertThat(body.path("top_logprobs").asInt()).isEqualTo(ClassifierProtocol.TOP_LOGPROBS);
    assertThat(body.path("temperature").asInt()).isZero();
  }

  @Test
  void fuzzingMarksEachRunOfHighlightedTokens() {
    Excerpt excerpt = excerpt(List.of("a", " b", " c", " d", " e"), List.of(0, 2, 3));

    assertThat(FUZZING.render(excerpt)).isEqualTo("<<a>> b<< c d>> e");
    assertThat(FUZZING.request("x", List.of(excerpt)).body().has("logprobs")).isFalse();
    assertThat(
            FUZZING
                .request("x", List.of(excerpt))
                .body()
                .path("messages")
                .get(0)
                .path("content")
                .asText())
        .isEqualTo(PromptTexts.defaults().get(PromptText.FUZZING_SYSTEM));
  }

  @Test
  void aGoodAnswerParsesInOrder() {
    assertThat(DETECTION.parse(3, reply("[1, 0, 1]")))
        .containsExactly(new Answer(true, null), new Answer(false, null), new Answer(true, null));
  }

  @Test
  void aFencedAnswerParses() {
    assertThat(DETECTION.parse(2, reply("```json\n[0,1]\n```")))
        .extracting(Answer::yes)
        .containsExactly(false, true);
    assertThat(DETECTION.parse(1, reply("```[1]```")))
        .extracting(Answer::yes)
        .containsExactly(true);
  }

  @Test
  void badAnswersAreParseFailuresWithTheReason() {
    assertThatThrownBy(() -> DETECTION.parse(3, reply("[1, 0]")))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("2 values for 3 excerpts");
    assertThatThrownBy(() -> DETECTION.parse(2, reply("yes, then no")))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> DETECTION.parse(2, reply("{\"answers\": [1, 0]}")))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("not a JSON list");
    assertThatThrownBy(() -> DETECTION.parse(2, reply("[1, 2]")))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("value 2 of the answer is 2, not 0 or 1");
    assertThatThrownBy(() -> DETECTION.parse(2, reply("[1, 0.5]")))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("0.5");
    assertThatThrownBy(() -> DETECTION.parse(2, reply("[true, false]")))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("true");
    assertThatThrownBy(() -> DETECTION.parse(1, RequestBodies.JSON.createObjectNode()))
        .isInstanceOf(ClassificationParseException.class)
        .hasMessageContaining("no message content");
  }

  /** A reply whose answer tokens carry logprobs: each {@code [token, p(1), p(0)]}. */
  private static JsonNode withLogprobs(String content, Object[]... tokens) {
    ObjectNode body = (ObjectNode) reply(content);
    ArrayNode entries =
        ((ObjectNode) body.path("choices").get(0)).putObject("logprobs").putArray("content");
    for (Object[] token : tokens) {
      ObjectNode entry = entries.addObject().put("token", (String) token[0]);
      if (token.length == 1) {
        entry.put("logprob", 0.0);
        continue;
      }
      double one = (Double) token[1];
      double zero = (Double) token[2];
      String digit = token[0].toString().replaceAll("[^01]", "");
      entry.put("logprob", Math.log(digit.equals("1") ? one : zero));
      ArrayNode top = entry.putArray("top_logprobs");
      top.addObject().put("token", "1").put("logprob", Math.log(one));
      top.addObject().put("token", "0").put("logprob", Math.log(zero));
      top.addObject().put("token", "maybe").put("logprob", Math.log(0.05));
    }
    return body;
  }

  @Test
  void logprobsGiveEachExcerptItsProbabilityOfAYes() {
    JsonNode response =
        withLogprobs(
            "[1, 0]",
            new Object[] {"["},
            new Object[] {"1", 0.72, 0.18},
            new Object[] {","},
            new Object[] {" 0", 0.3, 0.6},
            new Object[] {"]"});

    List<Answer> answers = DETECTION.parse(2, response);

    assertThat(answers.get(0).probability()).isCloseTo(0.8, within(1e-12));
    assertThat(answers.get(1).probability()).isCloseTo(1 / 3.0, within(1e-12));
  }

  @Test
  void logprobsThatDoNotLineUpGiveNoProbabilities() {
    // The digit token says 0 where the parsed answer says 1.
    JsonNode mismatched =
        withLogprobs("[1]", new Object[] {"["}, new Object[] {"0", 0.2, 0.7}, new Object[] {"]"});
    assertThat(DETECTION.parse(1, mismatched)).containsExactly(new Answer(true, null));

    // Two digits in one token.
    JsonNode merged = withLogprobs("[1,0]", new Object[] {"[1,0]"});
    assertThat(DETECTION.parse(2, merged)).extracting(Answer::probability).containsOnlyNulls();
  }

  @Test
  void withoutAlternativesTheChosenTokensLogprobIsUsed() {
    ObjectNode body = (ObjectNode) reply("[0]");
    ArrayNode entries =
        ((ObjectNode) body.path("choices").get(0)).putObject("logprobs").putArray("content");
    entries.addObject().put("token", "[0").put("logprob", Math.log(0.9));
    entries.addObject().put("token", "]").put("logprob", 0.0);

    assertThat(DETECTION.parse(1, body).get(0).probability()).isCloseTo(0.1, within(1e-12));
  }
}
