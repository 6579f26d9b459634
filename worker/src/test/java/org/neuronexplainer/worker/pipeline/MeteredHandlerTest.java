package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.common.classify.ClassifierKind.FUZZING;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.messaging.WeightsJob;
import org.neuronexplainer.worker.classify.ClassificationParseException;
import org.neuronexplainer.worker.simulate.SimulationParseException;

class MeteredHandlerTest {

  @Test
  void aMalformedMessageCountsAsDeadLetteredWithoutADuration() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> seen = new ArrayList<>();
    StageHandler<WeightsJob> inner =
        new StageHandler<>() {
          @Override
          public boolean outputExists(WeightsJob job) {
            return false;
          }

          @Override
          public JobMetrics run(WeightsJob job) {
            return JobMetrics.NONE;
          }

          @Override
          public void malformed(String reason) {
            seen.add(reason);
          }
        };
    MeteredHandler<WeightsJob> metered =
        new MeteredHandler<>(inner, new WorkerMetrics(registry), "weights");

    metered.malformed("MalformedMessageException: not JSON");

    assertThat(
            registry
                .get("neuronexplainer.jobs")
                .tags("stage", "weights", "outcome", "dead_lettered")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("neuronexplainer.stage.duration")
                .tags("stage", "weights")
                .timers()
                .stream()
                .mapToLong(t -> t.count())
                .sum())
        .isZero();
    assertThat(seen).containsExactly("MalformedMessageException: not JSON");
  }

  private static StageHandler<ExplainAndScoreJob> scoring(JobMetrics result, RuntimeException e) {
    return new StageHandler<>() {
      @Override
      public boolean outputExists(ExplainAndScoreJob job) {
        return false;
      }

      @Override
      public JobMetrics run(ExplainAndScoreJob job) {
        if (e != null) {
          throw e;
        }
        return result;
      }
    };
  }

  private static ExplainAndScoreJob job(int attempt) {
    return new ExplainAndScoreJob(
        new JobHeader("r", attempt, 2, 0), new NeuronId(0, 1), "collated-activations/0/1.json");
  }

  private static double neurons(SimpleMeterRegistry registry, String scorer, String outcome) {
    return registry
        .get("neuronexplainer.scorer.neurons")
        .tags("scorer", scorer, "outcome", outcome)
        .counter()
        .count();
  }

  @Test
  void aScoredNeuronCountsForEachScorerAndRecordsItsBalancedAccuracy() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, Double> scores = new HashMap<>();
    scores.put("simulation", 0.4);
    scores.put("detection", 0.75);
    scores.put("fuzzing", null); // undefined: scored, but no value to record
    MeteredHandler<ExplainAndScoreJob> metered =
        new MeteredHandler<>(
            scoring(new JobMetrics(null, null, null, 0.4, null, scores), null),
            new WorkerMetrics(registry),
            "explain-and-score");

    metered.run(job(1));

    assertThat(neurons(registry, "simulation", "scored")).isEqualTo(1.0);
    assertThat(neurons(registry, "detection", "scored")).isEqualTo(1.0);
    assertThat(neurons(registry, "fuzzing", "scored")).isEqualTo(1.0);
    DistributionSummary detection =
        registry
            .get("neuronexplainer.scorer.balanced.accuracy")
            .tags("scorer", "detection")
            .summary();
    assertThat(detection.count()).isEqualTo(1);
    assertThat(detection.totalAmount()).isEqualTo(0.75);
    assertThat(
            registry
                .get("neuronexplainer.scorer.balanced.accuracy")
                .tags("scorer", "fuzzing")
                .summary()
                .count())
        .isZero();
  }

  @Test
  void aSimulationOnlyNeuronCountsForSimulation() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new MeteredHandler<>(
            scoring(JobMetrics.score(0.3), null), new WorkerMetrics(registry), "explain-and-score")
        .run(job(1));

    assertThat(neurons(registry, "simulation", "scored")).isEqualTo(1.0);
    assertThat(neurons(registry, "detection", "scored")).isZero();
  }

  @Test
  void aScorerWhoseAnswersNeverParsedFailsOnlyWhenTheJobFailsForGood() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RuntimeException unparsed =
        new PermanentException(
            "LLM answers did not parse",
            new ClassificationParseException("fuzzing: no parseable answer", null, FUZZING));
    MeteredHandler<ExplainAndScoreJob> metered =
        new MeteredHandler<>(
            scoring(null, unparsed), new WorkerMetrics(registry), "explain-and-score");

    assertThatThrownBy(() -> metered.run(job(1))).isSameAs(unparsed);

    assertThat(neurons(registry, "fuzzing", "failed")).isEqualTo(1.0);
    assertThat(neurons(registry, "detection", "failed")).isZero();
    assertThat(neurons(registry, "simulation", "failed")).isZero();

    RuntimeException retried =
        new RetryableException("timeout", new SimulationParseException("misaligned"));
    MeteredHandler<ExplainAndScoreJob> again =
        new MeteredHandler<>(
            scoring(null, retried), new WorkerMetrics(registry), "explain-and-score");
    assertThatThrownBy(() -> again.run(job(1))).isSameAs(retried);
    assertThat(neurons(registry, "simulation", "failed")).as("retried, not failed").isZero();
    assertThatThrownBy(() -> again.run(job(2))).isSameAs(retried);
    assertThat(neurons(registry, "simulation", "failed")).isEqualTo(1.0);
  }
}
