package org.neuronexplainer.common.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;

class ClassificationJsonTest {

  private static ClassificationResults sample() {
    List<ClassifiedExcerpt> excerpts =
        List.of(
            new ClassifiedExcerpt(
                "top:3", "activating", List.of(" on", " Monday"), List.of(1), true, true, 0.8),
            new ClassifiedExcerpt(
                "top:5", "activating", List.of(" the", " Friday"), List.of(0), false, true, null),
            new ClassifiedExcerpt(
                "random:1", "random", List.of(" a", " b"), List.of(), false, false, 0.1));
    return ClassificationResults.of(
        ClassifierKind.FUZZING,
        new NeuronId(2, 7),
        List.of(ClassifiedExplanation.of("days of the week", excerpts)));
  }

  @Test
  void resultsReadBackEqualAndNamedAsDocumented() {
    ClassificationResults results = sample();
    byte[] bytes = ClassificationJson.toBytes(results);
    String text = new String(bytes, StandardCharsets.UTF_8);

    assertThat(ClassificationJson.read(bytes, "f.json")).isEqualTo(results);
    assertThat(text)
        .startsWith("{\"version\":1,\"scorer\":\"fuzzing\",\"layer_index\":2,\"neuron_index\":7,")
        .contains("\"balanced_accuracy\":")
        .contains("\"auroc\":null")
        .contains("\"probability\":null")
        .contains("\"highlighted\":[1]");
  }

  @Test
  void recomputeDerivesTheMetricsFromTheAnswersAlone() {
    ClassificationResults results = sample();
    String tampered =
        new String(ClassificationJson.toBytes(results), StandardCharsets.UTF_8)
            .replaceFirst("\"accuracy\":[0-9.]+", "\"accuracy\":0.0");
    ClassificationResults read =
        ClassificationJson.read(tampered.getBytes(StandardCharsets.UTF_8), "t.json");

    assertThat(read.explanations().get(0).metrics().accuracy()).isEqualTo(0.0);
    assertThat(read.recompute()).isEqualTo(results);
    assertThat(read.recompute().explanations().get(0).metrics().accuracy()).isEqualTo(2 / 3.0);
    assertThat(results.explanations().get(0).wrong()).extracting("id").containsExactly("top:5");
  }

  @Test
  void anotherVersionOrAnUnknownFieldIsAnErrorNamingTheFile() {
    String json = new String(ClassificationJson.toBytes(sample()), StandardCharsets.UTF_8);

    assertThatThrownBy(
            () ->
                ClassificationJson.read(
                    json.replace("\"version\":1", "\"version\":2").getBytes(), "v2.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("v2.json")
        .hasMessageContaining("version 2");
    assertThatThrownBy(
            () ->
                ClassificationJson.read(
                    json.replace("\"scorer\"", "\"extra\":1,\"scorer\"").getBytes(), "x.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.json")
        .hasMessageContaining("extra");
    assertThatThrownBy(
            () ->
                ClassificationJson.read(json.replace("\"version\":1,", "").getBytes(), "none.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("none.json");
  }
}
