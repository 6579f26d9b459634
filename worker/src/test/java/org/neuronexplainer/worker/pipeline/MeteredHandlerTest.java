package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.WeightsJob;

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
}
