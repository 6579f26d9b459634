package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.neuronexplainer.worker.capture.Fixtures;

/**
 * Tricky texts against Hugging Face's GPT2Tokenizer on the fixture tokenizer (the resource
 * fixtures/hf-tokenizer-reference.json and its README).
 */
class HuggingFaceTokenizerReferenceTest {
  private static final Gpt2Tokenizer TOKENIZER = Gpt2Tokenizer.load(Fixtures.hfGpt2Reference());

  static Stream<Arguments> cases() throws IOException {
    try (InputStream in =
        HuggingFaceTokenizerReferenceTest.class.getResourceAsStream(
            "/fixtures/hf-tokenizer-reference.json")) {
      List<Arguments> cases = new ArrayList<>();
      for (JsonNode c : new ObjectMapper().readTree(in).path("cases")) {
        cases.add(Arguments.of(c.path("text").asText(), c));
      }
      return cases.stream();
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void encodesAndDecodesLikeHuggingFace(String text, JsonNode expected) {
    int[] ids = TOKENIZER.encode(text);
    assertThat(ids).containsExactly(ints(expected.path("ids")));

    List<String> singleTokenTexts = new ArrayList<>();
    for (int id : ids) {
      singleTokenTexts.add(TOKENIZER.tokenText(id));
    }
    assertThat(singleTokenTexts).containsExactlyElementsOf(strings(expected.path("tokens")));
    assertThat(TOKENIZER.decode(ids)).isEqualTo(expected.path("decoded").asText());
    assertThat(String.join("", TOKENIZER.tokenTexts(ids))).isEqualTo(text);
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }
}
