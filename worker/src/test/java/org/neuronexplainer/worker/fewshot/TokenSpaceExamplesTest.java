package org.neuronexplainer.worker.fewshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSpaceExamplesTest {

  @Test
  void theBundledSetHasThreeNeuronsOfFiftyTokens() {
    List<TokenSpaceExample> examples = TokenSpaceExamples.bundled();

    assertThat(examples).hasSize(3);
    assertThat(examples).allSatisfy(example -> assertThat(example.tokens()).hasSize(50));
    // Each explanation continues the seed phrase directly.
    assertThat(examples)
        .allSatisfy(
            example -> assertThat(example.explanation()).startsWith(" ").doesNotEndWith("."));
  }

  @Test
  void aMalformedSetIsRejectedWithTheField() throws Exception {
    ObjectMapper json = new ObjectMapper();

    assertThatThrownBy(() -> TokenSpaceExamples.parse(json.readTree("{\"examples\": []}")))
        .hasMessageContaining("\"examples\"");
    assertThatThrownBy(
            () ->
                TokenSpaceExamples.parse(
                    json.readTree(
                        "{\"examples\": [{\"tokens\": [\"a\", 1], \"explanation\": \" x\"}]}")))
        .hasMessageContaining("not a string");
    assertThatThrownBy(
            () ->
                TokenSpaceExamples.parse(json.readTree("{\"examples\": [{\"tokens\": [\"a\"]}]}")))
        .hasMessageContaining("\"explanation\"");
  }
}
