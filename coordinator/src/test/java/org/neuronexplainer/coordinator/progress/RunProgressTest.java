package org.neuronexplainer.coordinator.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;

class RunProgressTest {

  private static final int V = Messages.SCHEMA_VERSION;

  private static StageEvent started(String unit, int attempt, long at) {
    return new StageEvent.Started(V, "r", Stage.EXPLAIN, unit, attempt, at);
  }

  private static StageEvent ok(String unit, long at, double score) {
    return new StageEvent.Succeeded(
        V, "r", Stage.EXPLAIN, unit, 1, at, false, new JobMetrics(10L, 2L, 0.5, score, 4L));
  }

  private static StageEvent failed(String unit, int attempt, boolean retry) {
    return new StageEvent.Failed(V, "r", Stage.EXPLAIN, unit, attempt, 0, "boom " + attempt, retry);
  }

  @Test
  void foldsStartedSucceededAndFailedIntoStates() {
    RunProgress p = new RunProgress("r", Stage.EXPLAIN);
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
    RunProgress p = new RunProgress("r", Stage.EXPLAIN);
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
  void aRequeueMakesFailedNeuronsPendingAgain() {
    RunProgress p = new RunProgress("r", Stage.EXPLAIN);
    p.plan(List.of("1:5"));
    p.apply(failed("1:5", 3, false));
    p.requeued(List.of("1:5"));
    assertThat(p.count(NeuronState.PENDING)).isEqualTo(1);
    assertThat(p.count(NeuronState.FAILED)).isZero();
    assertThat(p.neurons(null)).singleElement().satisfies(n -> assertThat(n.reason()).isNull());
  }

  @Test
  void throughputAndEtaComeFromFinishingTimes() {
    RunProgress p = new RunProgress("r", Stage.EXPLAIN);
    p.plan(List.of("0:0", "0:1", "0:2", "0:3", "0:4"));
    p.apply(ok("0:0", 0, 1));
    p.apply(ok("0:1", 500, 1));
    p.apply(ok("0:2", 1_000, 1));
    assertThat(p.throughput()).isEqualTo(2.0);
    assertThat(p.etaSeconds()).isEqualTo(1.0);
  }

  @Test
  void eventsOfAnotherRunOrderAreSortedNumerically() {
    RunProgress p = new RunProgress("r", Stage.EXPLAIN);
    p.plan(List.of("10:2", "2:10", "2:9"));
    assertThat(p.neurons(null))
        .extracting(RunProgress.NeuronView::neuron)
        .containsExactly("2:9", "2:10", "10:2");
  }
}
