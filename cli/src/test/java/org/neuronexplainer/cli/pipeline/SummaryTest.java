package org.neuronexplainer.cli.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

/** The run's closing summary and its failed neurons. */
class SummaryTest {

  @Test
  void theSummaryShowsTheFirstFailuresAndWhereTheRestAre() {
    List<RunFailure> failures = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      failures.add(new RunFailure("1:" + i, "explain-and-score", 2, "no answer\n  from the LLM"));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunView view =
        new RunView(
            "run-x",
            "failed",
            null,
            new RunStatus("run-x", RunState.FAILED, 9, 0, 1_000),
            new RunProgress.Summary(
                9, Map.of("done", 2, "failed", 7), Map.of(), Map.of(), 0, 0.0, 0, 0, 0, 0, null));

    Summary.print(new PrintStream(bytes, true, UTF_8), view, 1.0, Path.of("/tmp/store"), failures);

    String out = bytes.toString(UTF_8);
    assertThat(out)
        .contains(
            "failed neurons, the first 5 of 7 (all in /tmp/store/runs/run-x/failures.jsonl):\n"
                + "  1:0 explain-and-score, attempt 2: no answer | from the LLM\n")
        .contains("  1:4 explain-and-score")
        .doesNotContain("1:5");
  }

  @Test
  void theSummaryNamesTheRunsOwnResultsAndWhatItDidToTheView() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunSpec spec =
        new RunSpec("run-y", "store", null, null, null, null, null, null, 1).withPublish("best");
    RunView view =
        new RunView(
            "run-y",
            "succeeded",
            spec,
            new RunStatus("run-y", RunState.SUCCEEDED, 1, 0, 1_000),
            new RunProgress.Summary(
                1, Map.of("done", 1), Map.of(), Map.of(), 0, 0.0, 0, 0, 0, 0, 0.5));

    Summary.print(new PrintStream(bytes, true, UTF_8), view, 1.0, Path.of("/tmp/store"), List.of());

    assertThat(bytes.toString(UTF_8))
        .contains("results: /tmp/store/runs/run-y/explanations/{layer}/{neuron}.jsonl\n")
        .contains(
            "view: /tmp/store/explanations/{layer}/{neuron}.jsonl, replaced where this run scored"
                + " higher (--publish best); each file's run in /tmp/store/explanation-sources\n");
  }

  @Test
  void aRunWithClassificationScorersShowsTheirMeansInTheSummaryAndItsJson() throws Exception {
    Map<String, Double> means = new LinkedHashMap<>();
    means.put("simulation", 0.5);
    means.put("detection", 0.8125);
    means.put("fuzzing", null);
    RunProgress.Summary progress =
        new RunProgress.Summary(
            1, Map.of("done", 1), Map.of(), Map.of(), 0, 0.0, 0, 0, 0, 0, 0.5, means);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunView view =
        new RunView(
            "run-z",
            "succeeded",
            null,
            new RunStatus("run-z", RunState.SUCCEEDED, 1, 0, 1_000),
            progress);

    Summary.print(new PrintStream(bytes, true, UTF_8), view, 1.0, Path.of("/tmp/store"), List.of());

    assertThat(bytes.toString(UTF_8))
        .contains("mean score 0.500;")
        .contains("mean balanced accuracy: detection 0.813, fuzzing -\n");
    JsonNode json =
        new ObjectMapper()
            .readTree(
                Summary.json("run-z", "succeeded", null, progress, 1, Path.of("/s"), "", null));
    assertThat(json.at("/meanScores/simulation").asDouble()).isEqualTo(0.5);
    assertThat(json.at("/meanScores/detection").asDouble()).isEqualTo(0.8125);
    assertThat(json.at("/meanScores/fuzzing").isNull()).isTrue();
    JsonNode plain =
        new ObjectMapper()
            .readTree(
                Summary.json(
                    "run-z", "succeeded", null, progress(0.5), 1, Path.of("/s"), "", null));
    assertThat(plain.has("meanScores")).isFalse();
  }

  @Test
  void aLongReasonIsCutAndAMissingOneSaidSo() {
    assertThat(Summary.oneLine("x".repeat(400))).hasSize(303).endsWith("...");
    assertThat(Summary.oneLine(null)).isEqualTo("(no reason given)");
  }

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

    String line =
        Summary.json("run-1", "failed", null, progress(0.4321), 12.34567, store, "", null);

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
    assertThat(json.get("results").asText()).isEqualTo("/tmp/store/runs/run-1/explanations");
    assertThat(json.get("view").asText()).isEqualTo("/tmp/store/explanations");
    assertThat(json.get("runRecords").asText()).isEqualTo("/tmp/store/runs/run-1");
    assertThat(json.has("reason")).isFalse();
    assertThat(json.has("refinement")).as("a run without best of k or revision").isFalse();
    assertThat(json.get("skipped").asInt()).isZero();

    JsonNode sae =
        new ObjectMapper()
            .readTree(
                Summary.json(
                    "run-1", "succeeded", null, progress(0.5), 1, store, "saes/res-8/", null));
    assertThat(sae.get("view").asText()).isEqualTo("/tmp/store/saes/res-8/explanations");
    assertThat(sae.get("runRecords").asText()).isEqualTo("/tmp/store/runs/run-1");
  }

  @Test
  void aPausedRunsJsonSummarySaysWhy() throws Exception {
    String line =
        Summary.json(
            "run-1",
            "paused",
            "budget of $1.00 reached",
            progress(0.5),
            2,
            Path.of("/s"),
            "",
            null);

    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("state").asText()).isEqualTo("paused");
    assertThat(json.get("reason").asText()).isEqualTo("budget of $1.00 reached");
  }

  @Test
  void anUndefinedMeanScoreIsNull() throws Exception {
    String line =
        Summary.json("run-1", "succeeded", null, progress(null), 1, Path.of("/s"), "", null);

    assertThat(new ObjectMapper().readTree(line).get("meanScore").isNull()).isTrue();
  }

  @Test
  void aRunWithBestOfKAndRevisionShowsItsRefinement() throws Exception {
    String line =
        Summary.json(
            "run-1",
            "succeeded",
            null,
            progress(0.5),
            1,
            Path.of("/s"),
            "",
            new Refinement(8, 2, "detection"));

    JsonNode refinement = new ObjectMapper().readTree(line).get("refinement");
    assertThat(refinement.get("explanations").asInt()).isEqualTo(8);
    assertThat(refinement.get("revisions").asInt()).isEqualTo(2);
    assertThat(refinement.get("selectBy").asText()).isEqualTo("detection");
    assertThat(refinement.size()).as("the spec's fields alone").isEqualTo(3);
    JsonNode ownK =
        new ObjectMapper()
            .readTree(
                Summary.json(
                    "run-1",
                    "succeeded",
                    null,
                    progress(0.5),
                    1,
                    Path.of("/s"),
                    "",
                    new Refinement(null, 1, null)))
            .get("refinement");
    assertThat(ownK.has("explanations")).as("the explainer's own number").isFalse();
    assertThat(ownK.get("selectBy").asText()).isEqualTo("simulation");
  }
}
