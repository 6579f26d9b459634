package org.neuronexplainer.coordinator.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;

class RunProgressTest {

  private static final int V = Messages.SCHEMA_VERSION;

  private static StageEvent started(String unit, int attempt, long at) {
    return new StageEvent.Started(V, "r", Stage.EXPLAIN_AND_SCORE, unit, attempt, at);
  }

  private static StageEvent ok(String unit, long at, double score) {
    return new StageEvent.Succeeded(
        V,
        "r",
        Stage.EXPLAIN_AND_SCORE,
        unit,
        1,
        at,
        false,
        new JobMetrics(10L, 2L, 0.5, score, 4L));
  }

  private static StageEvent failed(String unit, int attempt, boolean retry) {
    return new StageEvent.Failed(
        V, "r", Stage.EXPLAIN_AND_SCORE, unit, attempt, 0, "boom " + attempt, retry);
  }

  @Test
  void captureAndCollateUnitsMoveTheirNeuronsAndAReplayInAnyOrderEndsTheSame() {
    List<StageEvent> events =
        List.of(
            new StageEvent.Started(V, "r", Stage.CAPTURE, "layers:0-1/shard:0", 1, 0),
            new StageEvent.Started(V, "r", Stage.CAPTURE, "layers:0-1/shard:1", 1, 0),
            new StageEvent.Succeeded(
                V, "r", Stage.CAPTURE, "layers:0-1/shard:0", 1, 1, false, null),
            new StageEvent.Failed(
                V, "r", Stage.CAPTURE, "layers:2-2/shard:0", 1, 1, "no gpu", false),
            new StageEvent.Succeeded(
                V, "r", Stage.CAPTURE, "layers:0-1/shard:1", 1, 2, false, null),
            new StageEvent.Started(V, "r", Stage.COLLATE, "layer:0/neurons:0-1", 1, 3),
            new StageEvent.Succeeded(
                V, "r", Stage.COLLATE, "layer:0/neurons:0-1", 1, 4, false, null),
            started("0:0", 1, 5),
            ok("0:0", 6, 0.5));
    RunProgress p = capturePlan();
    p.apply(events.get(0));
    assertThat(p.count(NeuronState.CAPTURING)).isEqualTo(4);
    assertThat(p.unitState(Stage.CAPTURE, "layers:0-1/shard:0")).isEqualTo("working");
    p.apply(events.get(1));
    p.apply(events.get(2));
    assertThat(p.count(NeuronState.CAPTURING)).as("one shard of two done").isEqualTo(4);
    p.apply(events.get(3));
    assertThat(p.neurons(NeuronState.FAILED))
        .extracting(RunProgress.NeuronView::neuron)
        .containsExactly("2:0", "2:1");
    assertThat(p.neurons(NeuronState.FAILED)).allMatch(n -> n.reason().equals("no gpu"));
    p.apply(events.get(4));
    assertThat(p.count(NeuronState.PENDING)).as("captured, waiting for collate").isEqualTo(4);
    p.apply(events.get(5));
    assertThat(p.count(NeuronState.COLLATING)).isEqualTo(2);
    for (StageEvent e : events.subList(6, events.size())) {
      p.apply(e);
    }
    RunProgress.Summary forward = p.summary();
    assertThat(forward.states())
        .containsEntry("done", 1)
        .containsEntry("pending", 3)
        .containsEntry("failed", 2);
    assertThat(forward.units())
        .containsEntry("capture:succeeded", 2)
        .containsEntry("capture:failed", 1)
        .containsEntry("collate:succeeded", 1)
        .containsEntry("collate:pending", 1);
    assertThat(p.failedUnits(Stage.CAPTURE)).containsExactly("layers:2-2/shard:0");

    // A restart replays the compacted topic: the newest event per key, the keys in any order
    // (they sit on different partitions); here the neuron's explain event comes first.
    Map<String, StageEvent> compacted = new LinkedHashMap<>();
    events.forEach(e -> compacted.put(e.key(), e));
    List<StageEvent> newest = new ArrayList<>(compacted.values());
    Collections.reverse(newest);
    RunProgress replayed = capturePlan();
    newest.forEach(replayed::apply);
    assertThat(replayed.summary().states()).isEqualTo(forward.states());
    assertThat(replayed.neurons(NeuronState.DONE))
        .extracting(RunProgress.NeuronView::neuron)
        .containsExactly("0:0");
    assertThat(p.settled()).isFalse();
  }

  @Test
  void aCaptureRunIsNotSettledWhileACaptureJobIsStillOut() {
    RunProgress p = capturePlan();
    p.apply(new StageEvent.Failed(V, "r", Stage.CAPTURE, "layers:0-1/shard:0", 1, 1, "x", false));
    p.apply(new StageEvent.Failed(V, "r", Stage.CAPTURE, "layers:2-2/shard:0", 1, 1, "x", false));
    assertThat(p.count(NeuronState.FAILED)).isEqualTo(6);
    assertThat(p.settled()).as("shard 1 of layers 0-1 has not ended").isFalse();
    p.apply(new StageEvent.Started(V, "r", Stage.CAPTURE, "layers:0-1/shard:1", 1, 2));
    assertThat(p.settled()).isFalse();
    p.apply(
        new StageEvent.Succeeded(V, "r", Stage.CAPTURE, "layers:0-1/shard:1", 1, 3, false, null));
    assertThat(p.settled()).isTrue();
    assertThat(p.anyFailed()).isTrue();
  }

  @Test
  void aRequeuedCaptureUnitNoLongerFailsItsLayer() {
    RunProgress p = capturePlan();
    for (String shard : List.of("layers:0-1/shard:0", "layers:0-1/shard:1")) {
      p.apply(new StageEvent.Failed(V, "r", Stage.CAPTURE, shard, 1, 1, "unreadable", false));
    }
    assertThat(p.count(NeuronState.FAILED)).isEqualTo(4);
    p.requeued(List.of("0:0", "0:1", "1:0", "1:1"));
    p.requeuedUnits(Stage.CAPTURE, p.failedUnits(Stage.CAPTURE));
    assertThat(p.failedUnits(Stage.CAPTURE)).isEmpty();
    // The first new event must not find its sibling shard still failed.
    p.apply(new StageEvent.Started(V, "r", Stage.CAPTURE, "layers:0-1/shard:0", 1, 2));
    assertThat(p.count(NeuronState.CAPTURING)).isEqualTo(4);
    assertThat(p.count(NeuronState.FAILED)).isZero();
  }

  /** Layers 0-2 of two neurons each; capture units for 0-1 in two shards, 2 in one. */
  private static RunProgress capturePlan() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0", "0:1", "1:0", "1:1", "2:0", "2:1"));
    p.planUnits(
        Stage.CAPTURE, List.of("layers:0-1/shard:0", "layers:0-1/shard:1", "layers:2-2/shard:0"));
    p.planUnits(Stage.COLLATE, List.of("layer:0/neurons:0-1", "layer:1/neurons:0-1"));
    return p;
  }

  @Test
  void deadLatentsSkippedAtCollateSettleTheRunWithoutFailingIt() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("3:0", "3:1", "3:2"));
    p.planUnits(Stage.CAPTURE, List.of("layers:3-3/shard:0"));
    p.planUnits(Stage.COLLATE, List.of("layer:3/neurons:0-2"));
    p.apply(
        new StageEvent.Succeeded(V, "r", Stage.CAPTURE, "layers:3-3/shard:0", 1, 1, false, null));
    p.apply(
        new StageEvent.Succeeded(V, "r", Stage.COLLATE, "layer:3/neurons:0-2", 1, 2, false, null));
    p.skipped(List.of("3:1"), "dead latent");
    // A replayed collate event does not bring the skipped latent back.
    p.apply(
        new StageEvent.Succeeded(V, "r", Stage.COLLATE, "layer:3/neurons:0-2", 1, 2, true, null));
    assertThat(p.count(NeuronState.SKIPPED)).isEqualTo(1);
    assertThat(p.neurons(NeuronState.SKIPPED).get(0).reason()).isEqualTo("dead latent");
    p.apply(ok("3:0", 3, 0.4));
    assertThat(p.settled()).isFalse();
    p.apply(ok("3:2", 4, 0.6));
    assertThat(p.settled()).isTrue();
    assertThat(p.anyFailed()).isFalse();
    assertThat(p.etaSeconds()).isZero();
    assertThat(p.summary().states()).containsEntry("skipped", 1).containsEntry("done", 2);
  }

  @Test
  void foldsStartedSucceededAndFailedIntoStates() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:1", "0:2", "0:3"));
    assertThat(p.count(NeuronState.PENDING)).isEqualTo(3);
    p.apply(started("0:1", 1, 0));
    p.apply(started("0:2", 1, 0));
    assertThat(p.count(NeuronState.EXPLAINING)).isEqualTo(2);
    assertThat(p.apply(ok("0:1", 1_000, 0.5))).isTrue();
    p.apply(failed("0:2", 1, true));
    assertThat(p.count(NeuronState.EXPLAINING)).isEqualTo(1);
    p.apply(failed("0:2", 2, false));
    assertThat(p.count(NeuronState.DONE)).isEqualTo(1);
    assertThat(p.count(NeuronState.FAILED)).isEqualTo(1);
    assertThat(p.count(NeuronState.PENDING)).isEqualTo(1);
    assertThat(p.neurons(NeuronState.FAILED))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.neuron()).isEqualTo("0:2");
              assertThat(n.reason()).isEqualTo("boom 2");
              assertThat(n.attempt()).isEqualTo(2);
            });
    assertThat(p.settled()).isFalse();
  }

  @Test
  void aRedeliveredSuccessCountsTokensAndCompletionOnce() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:1"));
    assertThat(p.apply(ok("0:1", 1_000, 0.4))).isTrue();
    p.apply(started("0:1", 1, 1_100));
    assertThat(p.apply(ok("0:1", 1_200, 0.4))).isFalse();
    RunProgress.Summary s = p.summary();
    assertThat(s.promptTokens()).isEqualTo(10);
    assertThat(s.cachedPromptTokens()).isEqualTo(4);
    assertThat(s.costUsd()).isEqualTo(0.5);
    assertThat(s.meanScore()).isEqualTo(0.4);
    assertThat(p.completed()).isEqualTo(1);
    assertThat(p.settled()).isTrue();
  }

  @Test
  void aDoneNeuronStaysDoneWhateverALateCopyOfItsJobReports() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:1"));
    assertThat(p.apply(ok("0:1", 1_000, 0.4))).isTrue();
    // A worker cut off while it held the job comes back: its start, its retry and its final
    // failure arrive after the neuron was done elsewhere.
    p.apply(started("0:1", 1, 1_100));
    assertThat(p.count(NeuronState.DONE)).isEqualTo(1);
    p.apply(failed("0:1", 1, true));
    p.apply(failed("0:1", 2, false));
    assertThat(p.count(NeuronState.DONE)).isEqualTo(1);
    assertThat(p.count(NeuronState.FAILED)).isZero();
    assertThat(p.neurons(null)).singleElement().satisfies(n -> assertThat(n.reason()).isNull());
    assertThat(p.settled()).isTrue();
  }

  @Test
  void aRequeueMakesFailedNeuronsPendingAgain() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("1:5"));
    p.apply(failed("1:5", 3, false));
    p.requeued(List.of("1:5"));
    assertThat(p.count(NeuronState.PENDING)).isEqualTo(1);
    assertThat(p.count(NeuronState.FAILED)).isZero();
    assertThat(p.neurons(null)).singleElement().satisfies(n -> assertThat(n.reason()).isNull());
  }

  @Test
  void throughputAndEtaComeFromFinishingTimes() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0", "0:1", "0:2", "0:3", "0:4"));
    p.apply(ok("0:0", 0, 1));
    p.apply(ok("0:1", 500, 1));
    p.apply(ok("0:2", 1_000, 1));
    assertThat(p.throughput()).isEqualTo(2.0);
    assertThat(p.etaSeconds()).isEqualTo(1.0);
  }

  @Test
  void eventsOfAnotherRunOrderAreSortedNumerically() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("10:2", "2:10", "2:9"));
    assertThat(p.neurons(null))
        .extracting(RunProgress.NeuronView::neuron)
        .containsExactly("2:9", "2:10", "10:2");
  }

  @Test
  void eventsOfNeuronsAndUnitsOutsideThePlanChangeNothing() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0", "0:1", "0:2"));
    p.apply(ok("0:0", 0, 1));
    assertThat(p.apply(ok("99:99999", 1, 1))).isFalse();
    p.apply(failed("7:7", 1, false));
    p.apply(new StageEvent.Started(V, "r", Stage.CAPTURE, "layers:0-1/shard:0", 1, 2));
    p.apply(new StageEvent.Failed(V, "r", Stage.WEIGHTS, "layer:0/neurons:0-2", 1, 3, "x", false));
    RunProgress.Summary summary = p.summary();
    assertThat(summary.neurons()).isEqualTo(3);
    assertThat(summary.states()).containsEntry("done", 1).containsEntry("pending", 2);
    assertThat(summary.states().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
    assertThat(summary.units()).isEmpty();
    assertThat(p.completed()).isEqualTo(1);
    assertThat(p.anyFailed()).isFalse();
    assertThat(p.ignored()).isEqualTo(4);
    assertThat(p.neurons(null))
        .extracting(RunProgress.NeuronView::neuron)
        .containsExactly("0:0", "0:1", "0:2");
  }

  @Test
  void aSkippedSuccessOfAJobPublishedAgainKeepsTheNeuronsScore() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0"));
    p.apply(ok("0:0", 0, 0.75));
    p.apply(new StageEvent.Succeeded(V, "r", Stage.EXPLAIN_AND_SCORE, "0:0", 1, 10, true, null));

    assertThat(p.count(NeuronState.DONE)).isEqualTo(1);
    assertThat(p.completed()).isEqualTo(1);
    assertThat(p.summary().meanScore()).isEqualTo(0.75);
    assertThat(p.neurons(null))
        .singleElement()
        .satisfies(n -> assertThat(n.score()).isEqualTo(0.75));
  }

  private static StageEvent scoredBy(String unit, int attempt, Map<String, Double> scores) {
    return new StageEvent.Succeeded(
        V,
        "r",
        Stage.EXPLAIN_AND_SCORE,
        unit,
        attempt,
        attempt,
        false,
        new JobMetrics(null, null, null, scores.get("simulation"), null, scores));
  }

  private static Map<String, Double> scores(Double simulation, Double detection, Double fuzzing) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("simulation", simulation);
    scores.put("detection", detection);
    scores.put("fuzzing", fuzzing);
    return scores;
  }

  @Test
  void theMeanScoreByScorerIsOverTheDoneNeuronsWithADefinedOne() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0", "0:1", "0:2"));
    p.apply(scoredBy("0:0", 1, scores(0.25, 0.5, null)));
    p.apply(scoredBy("0:1", 1, scores(0.75, 1.0, 0.6)));
    // A neuron done again (a re-queue) counts with its newest scores only.
    p.apply(scoredBy("0:1", 2, scores(0.75, 0.8, 0.6)));

    RunProgress.Summary summary = p.summary();

    assertThat(summary.meanScores())
        .containsExactly(
            Map.entry("simulation", 0.5),
            Map.entry("detection", (0.5 + 0.8) / 2),
            Map.entry("fuzzing", 0.6));
    assertThat(summary.meanScore()).isEqualTo(0.5);
  }

  @Test
  void aRunScoredBySimulationOnlyHasNoScoresByScorer() {
    RunProgress p = new RunProgress("r");
    p.plan(List.of("0:0"));
    p.apply(ok("0:0", 1, 0.5));

    assertThat(p.summary().meanScores()).isNull();
    assertThat(p.summary().meanScore()).isEqualTo(0.5);
  }

  @Test
  void aResumedRunTakesTheScoresByScorerOfItsDoneMarkers() {
    RunProgress p = new RunProgress("r");
    Map<String, Double> done = new LinkedHashMap<>();
    done.put("0:0", 0.2);
    done.put("0:1", 0.4);
    p.resumed(
        done, Map.of("0:0", scores(0.2, 0.9, 0.7), "0:1", scores(0.4, 0.7, null)), List.of("0:2"));
    p.apply(scoredBy("0:2", 1, scores(0.6, 0.5, 0.5)));

    Map<String, Double> means = p.summary().meanScores();
    assertThat(means.get("simulation")).isCloseTo(0.4, within(1e-12));
    assertThat(means.get("detection")).isCloseTo(0.7, within(1e-12));
    assertThat(means.get("fuzzing")).isCloseTo(0.6, within(1e-12));
  }
}
