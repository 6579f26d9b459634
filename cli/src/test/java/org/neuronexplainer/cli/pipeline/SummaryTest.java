package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.coordinator.progress.RunProgress;

class SummaryTest {

  private static RunProgress.Summary progress(Double meanScore) {
    return new RunProgress.Summary(
        5,
        Map.of("done", 3, "failed", 2),
        Map.of(),
        Map.of(),
        1.5,
        null,
        1200,
        300,
        200,
        0.0125,
        meanScore);
  }

  @Test
  void theJsonSummaryIsOneObjectWithCountsTokensCostAndPaths() throws Exception {
    Path store = Path.of("/tmp/store");

    String line = Summary.json("run-1", "failed", progress(0.4321), 12.34567, store);

    assertThat(line).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("runId").asText()).isEqualTo("run-1");
    assertThat(json.get("state").asText()).isEqualTo("failed");
    assertThat(json.get("neurons").asInt()).isEqualTo(5);
    assertThat(json.get("done").asInt()).isEqualTo(3);
    assertThat(json.get("failed").asInt()).isEqualTo(2);
    assertThat(json.get("meanScore").asDouble()).isEqualTo(0.4321);
    assertThat(json.get("promptTokens").asLong()).isEqualTo(1200);
    assertThat(json.get("cachedPromptTokens").asLong()).isEqualTo(200);
    assertThat(json.get("completionTokens").asLong()).isEqualTo(300);
    assertThat(json.get("costUsd").asDouble()).isEqualTo(0.0125);
    assertThat(json.get("seconds").asDouble()).isEqualTo(12.346);
    assertThat(json.get("results").asText()).isEqualTo("/tmp/store/explanations");
    assertThat(json.get("runRecords").asText()).isEqualTo("/tmp/store/runs/run-1");
  }

  @Test
  void anUndefinedMeanScoreIsNull() throws Exception {
    String line = Summary.json("run-1", "succeeded", progress(null), 1, Path.of("/s"));

    assertThat(new ObjectMapper().readTree(line).get("meanScore").isNull()).isTrue();
  }
}
