package org.neuronexplainer.worker.fewshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.records.Normalization;

class FewShotFileTest {

  @TempDir Path dir;

  @Test
  void everyBundledSetReadsBackFromAFileEqual() throws Exception {
    for (FewShotSet set : FewShotSet.values()) {
      Path file = dir.resolve(set.name() + ".json");
      Files.write(file, set.bytes());

      assertThat(FewShotFile.read(file)).as(set.name()).isEqualTo(set.examples());
    }
  }

  @Test
  void theTestSetHasTheOriginalTestSetsShape() {
    FewShotExamples set = FewShotSet.TEST.examples();

    assertThat(set.examples()).hasSize(1);
    FewShotExample vowels = set.examples().get(0);
    assertThat(vowels.explanation()).isEqualTo("vowels");
    assertThat(vowels.records()).hasSize(2);
    double max = Normalization.maxActivation(vowels.records());
    for (ActivationRecord record : vowels.records()) {
      assertThat(record.tokens()).hasSize(3);
      assertThat(Normalization.normalize(record, max)).containsOnlyOnce(10).contains(0);
    }
    assertThat(vowels.firstRevealedActivationIndices()).containsExactly(0, 1);
    assertThat(set.singleTokenExample().records().get(0).tokens()).hasSize(3);
    assertThat(set.singleTokenExample().tokenIndexToScore()).isEqualTo(2);
    assertThat(set.tokenSpaceExamples()).hasSize(1);
    assertThat(set.tokenSpaceExamples().get(0).tokens()).hasSize(3);
  }

  @Test
  void revealedIndicesDefaultToZero() {
    FewShotExamples set =
        parse(
            "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\": [\"a\"],"
                + " \"activations\": [1]}, {\"tokens\": [\"b\"], \"activations\": [0]}]}]}");

    assertThat(set.examples().get(0).firstRevealedActivationIndices()).containsExactly(0, 0);
  }

  @Test
  void theSingleTokenExampleMayListNoRevealedIndicesAsTheOriginalsDo() {
    FewShotExamples set =
        parse(
            "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\": [\"a\"],"
                + " \"activations\": [1]}]}], \"single_token_example\": {\"explanation\": \"y\","
                + " \"records\": [{\"tokens\": [\"g\", \"h\"], \"activations\": [0, 1]}],"
                + " \"first_revealed_activation_indices\": [], \"token_index_to_score\": 1}}");

    assertThat(set.singleTokenExample().firstRevealedActivationIndices()).containsExactly(0);
    assertThatThrownBy(
            () ->
                parse(
                    "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\":"
                        + " [\"a\"], \"activations\": [1]}],"
                        + " \"first_revealed_activation_indices\": []}]}"))
        .hasMessageContaining("examples[0]");
  }

  @Test
  void aSetOfTokenSpaceExamplesAloneIsValid() {
    FewShotExamples set =
        parse("{\"token_space_examples\": [{\"tokens\": [\"a\"], \"explanation\": \" y\"}]}");

    assertThat(set.examples()).isEmpty();
    assertThat(set.tokenSpaceExamples()).containsExactly(new TokenSpaceExample(List.of("a"), " y"));
  }

  @Test
  void malformedJsonNamesTheFileAndTheLine() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n\"examples\": [\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> FewShotFile.read(file))
        .isInstanceOf(FewShotFormatException.class)
        .hasMessageStartingWith(file + ": not valid JSON")
        .hasMessageContaining("line");
  }

  @Test
  void aMisspeltFieldNamesTheExample() {
    assertThatThrownBy(
            () -> parse("{\"examples\": [{\"explanation\": \"x\", \"record\": []}]}", "mine.json"))
        .isInstanceOf(FewShotFormatException.class)
        .hasMessageStartingWith("mine.json: examples[0]: unknown field \"record\"");
  }

  @Test
  void aMissingFieldNamesTheExample() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\":"
                        + " [\"a\"], \"activations\": [1]}]}, {\"explanation\": \"y\"}]}",
                    "mine.json"))
        .hasMessage("mine.json: examples[1]: missing \"records\"");
  }

  @Test
  void recordsOfUnequalLengthNameTheRecord() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\":"
                        + " [\"a\", \"b\"], \"activations\": [1]}]}]}",
                    "mine.json"))
        .hasMessageStartingWith("mine.json: examples[0]: records[0]: ")
        .hasMessageContaining("differ in length");
  }

  @Test
  void aSingleTokenExampleWithoutItsIndexIsAnError() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"examples\": [], \"single_token_example\": {\"explanation\": \"x\","
                        + " \"records\": [{\"tokens\": [\"a\"], \"activations\": [1]}]},"
                        + " \"token_space_examples\": [{\"tokens\": [\"a\"], \"explanation\":"
                        + " \"z\"}]}",
                    "mine.json"))
        .hasMessage("mine.json: single_token_example: needs token_index_to_score");
  }

  @Test
  void anEmptySetIsAnError() {
    assertThatThrownBy(() -> parse("{\"examples\": []}", "mine.json"))
        .hasMessage("mine.json: the set: a few-shot set needs at least one example");
  }

  private static FewShotExamples parse(String json) {
    return parse(json, "test.json");
  }

  private static FewShotExamples parse(String json, String source) {
    return FewShotFile.parse(json.getBytes(StandardCharsets.UTF_8), source);
  }
}
