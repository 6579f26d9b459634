package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.json.DatasetJson;

class ExplanationSummaryReaderTest {

  @Test
  void readsTheSameTextAndScoresAsTheFullReader() throws Exception {
    try (Stream<Path> files = Files.walk(Path.of("..", "examples", "explanations"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        NeuronSimulationResults full = DatasetJson.read(file, NeuronSimulationResults.class);
        List<ExplanationEntry> fast =
            ExplanationSummaryReader.read(Files.readAllBytes(file), full.neuronId());
        assertThat(fast).hasSameSizeAs(full.scoredExplanations());
        for (int i = 0; i < fast.size(); i++) {
          var expected = full.scoredExplanations().get(i);
          assertThat(fast.get(i).explanation()).isEqualTo(expected.explanation());
          // Boxed, so that NaN (an undefined score, as in 9:388) equals NaN.
          assertThat(Double.valueOf(fast.get(i).score()))
              .isEqualTo(Double.valueOf(expected.scoredSimulation().evCorrelationScore()));
          assertThat(fast.get(i).rank()).isEqualTo(i);
        }
      }
    }
  }

  @Test
  void aNullOrNanScoreIsUndefinedAndABrokenFileFails() throws Exception {
    NeuronId id = new NeuronId(1, 2);
    String nan =
        "{\"scored_explanations\":[{\"explanation\":\"a\",\"scored_simulation\":"
            + "{\"ev_correlation_score\":NaN}},{\"explanation\":\"b\",\"scored_simulation\":"
            + "{\"ev_correlation_score\":null}}]}";
    assertThat(ExplanationSummaryReader.read(nan.getBytes(StandardCharsets.UTF_8), id))
        .extracting(ExplanationEntry::score)
        .allSatisfy(score -> assertThat(score).isNaN());
    assertThatThrownBy(
            () ->
                ExplanationSummaryReader.read(
                    "{\"neuron_id\": {".getBytes(StandardCharsets.UTF_8), id))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> ExplanationSummaryReader.read("{}".getBytes(StandardCharsets.UTF_8), id))
        .hasMessageContaining("no scored_explanations");
  }
}
