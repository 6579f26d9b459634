package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

class RunPageJsonTest {

  private static RunProgress.Summary summary(
      int neurons, Map<String, Integer> states, Map<String, Integer> stages) {
    return summary(neurons, states, stages, Map.of());
  }

  private static RunProgress.Summary summary(
      int neurons,
      Map<String, Integer> states,
      Map<String, Integer> stages,
      Map<String, Integer> units) {
    Map<String, Integer> all = new LinkedHashMap<>();
    for (String s : new String[] {"pending", "capturing", "collating", "explaining"}) {
      all.put(s, 0);
    }
    all.put("done", 0);
    all.put("failed", 0);
    all.putAll(states);
    return new RunProgress.Summary(neurons, all, stages, units, 0, null, 0, 0, 0, 0, null);
  }

  private static JsonNode row(JsonNode rows, String stage) {
    for (JsonNode row : rows) {
      if (row.get("stage").asText().equals(stage)) {
        return row;
      }
    }
    return null;
  }

  @Test
  void theJobStageAlwaysHasARowAndItsCountsAddUp() {
    JsonNode rows =
        RunPageJson.stages(
            summary(
                10,
                Map.of("done", 5, "explaining", 2, "failed", 2, "pending", 1),
                Map.of("explain-and-score:explaining", 2, "explain-and-score:failed", 2)));
    assertThat(rows).hasSize(1);
    JsonNode explain = row(rows, "explain-and-score");
    assertThat(explain.get("total").asInt()).isEqualTo(10);
    assertThat(explain.get("passed").asInt()).isEqualTo(5);
    assertThat(explain.get("working").asInt()).isEqualTo(2);
    assertThat(explain.get("failed").asInt()).isEqualTo(2);
    assertThat(explain.get("waiting").asInt()).isEqualTo(1);
  }

  @Test
  void aStageSeenGetsARowAndLaterStagesCountAsPassedForEarlierOnes() {
    JsonNode rows =
        RunPageJson.stages(
            summary(
                12,
                Map.of("capturing", 3, "explaining", 2, "done", 4, "failed", 3),
                Map.of(
                    "capture:capturing", 3,
                    "collate:failed", 1,
                    "explain-and-score:explaining", 2,
                    "explain-and-score:failed", 2)));
    assertThat(rows)
        .extracting(r -> r.get("stage").asText())
        .containsExactly("capture", "collate", "explain-and-score");
    JsonNode capture = row(rows, "capture");
    // Done, explaining, failed at explain-and-score and failed at collate are past capture.
    assertThat(capture.get("passed").asInt()).isEqualTo(9);
    assertThat(capture.get("working").asInt()).isEqualTo(3);
    assertThat(capture.get("failed").asInt()).isZero();
    assertThat(capture.get("waiting").asInt()).isZero();
    JsonNode collate = row(rows, "collate");
    // The 3 still capturing wait for collate.
    assertThat(collate.get("passed").asInt()).isEqualTo(8);
    assertThat(collate.get("failed").asInt()).isEqualTo(1);
    assertThat(collate.get("waiting").asInt()).isEqualTo(3);
    JsonNode explain = row(rows, "explain-and-score");
    assertThat(explain.get("passed").asInt()).isEqualTo(4);
    assertThat(explain.get("working").asInt()).isEqualTo(2);
    assertThat(explain.get("failed").asInt()).isEqualTo(2);
    // 12 less 4 passed, 2 working, 2 failed here and 1 stopped at collate.
    assertThat(explain.get("waiting").asInt()).isEqualTo(3);
  }

  @Test
  void deadLatentsPassCaptureAndCollateAndAreSkippedAtExplainAndScore() {
    JsonNode rows =
        RunPageJson.stages(
            summary(
                10,
                Map.of("explaining", 1, "done", 6, "skipped", 3),
                Map.of("explain-and-score:explaining", 1)));
    JsonNode explain = row(rows, "explain-and-score");
    assertThat(explain.get("passed").asInt()).isEqualTo(6);
    assertThat(explain.get("working").asInt()).isEqualTo(1);
    assertThat(explain.get("skipped").asInt()).isEqualTo(3);
    assertThat(explain.get("waiting").asInt()).isZero();
  }

  @Test
  void theWeightsRowCountsACaptureRunsLayers() {
    JsonNode rows =
        RunPageJson.stages(
            summary(
                6,
                Map.of("capturing", 6),
                Map.of("capture:capturing", 6),
                Map.of(
                    "weights:succeeded", 2,
                    "weights:working", 1,
                    "weights:pending", 8,
                    "weights:failed", 1,
                    "capture:working", 2)));
    assertThat(rows)
        .extracting(r -> r.get("stage").asText())
        .containsExactly("capture", "explain-and-score", "weights");
    JsonNode weights = row(rows, "weights");
    assertThat(weights.get("total").asInt()).isEqualTo(12);
    assertThat(weights.get("passed").asInt()).isEqualTo(2);
    assertThat(weights.get("working").asInt()).isEqualTo(1);
    assertThat(weights.get("failed").asInt()).isEqualTo(1);
    assertThat(weights.get("waiting").asInt()).isEqualTo(8);
    assertThat(row(rows, "capture").get("total").asInt()).isEqualTo(6);
  }

  @Test
  void theRunCarriesItsMeanScoreByScorerOnlyWhenItHasClassificationScorers() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0", "0:1"));
    Map<String, Double> first = new LinkedHashMap<>();
    first.put("simulation", 0.2);
    first.put("detection", 0.9);
    first.put("fuzzing", null);
    p.apply(succeeded("0:0", new JobMetrics(null, null, null, 0.2, null, first)));
    p.apply(
        succeeded(
            "0:1",
            new JobMetrics(
                null,
                null,
                null,
                0.4,
                null,
                Map.of("simulation", 0.4, "detection", 0.7, "fuzzing", 0.5))));
    RunSpec spec =
        new RunSpec("r", "store", null, null, "baseline", "baseline", "linear", null, 1)
            .withScorers(List.of("simulation", "detection", "fuzzing"));
    RunView view = new RunView("r", "running", spec, null, p.summary());

    JsonNode means =
        RunPageJson.run(view, true, new InMemoryBlobStore()).at("/run/progress/meanScores");

    assertThat(means.get("simulation").asDouble()).isCloseTo(0.3, within(1e-12));
    assertThat(means.get("detection").asDouble()).isCloseTo(0.8, within(1e-12));
    assertThat(means.get("fuzzing").asDouble()).isEqualTo(0.5);

    RunProgress simulationOnly = new RunProgress("s");
    simulationOnly.plan(List.of("0:0"));
    simulationOnly.apply(succeeded("0:0", JobMetrics.score(0.5)));
    JsonNode progress =
        RunPageJson.run(
                new RunView("s", "running", null, null, simulationOnly.summary()),
                true,
                new InMemoryBlobStore())
            .at("/run/progress");
    assertThat(progress.has("meanScores")).isFalse();
    assertThat(progress.get("meanScore").asDouble()).isEqualTo(0.5);
  }

  private static StageEvent succeeded(String unit, JobMetrics metrics) {
    return new StageEvent.Succeeded(
        Messages.SCHEMA_VERSION, "r", Stage.EXPLAIN_AND_SCORE, unit, 1, 1, false, metrics);
  }
}
