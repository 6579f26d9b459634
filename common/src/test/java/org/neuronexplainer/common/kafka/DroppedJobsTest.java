package org.neuronexplainer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DroppedJobsTest {

  private static final long MINUTE = DroppedJobs.LOG_INTERVAL_NANOS;

  @Test
  void theFirstDropOfEachRunIsLoggedThenAtMostOneAMinuteWithTheCountSoFar() {
    DroppedJobs drops = new DroppedJobs();
    assertThat(drops.drop("a", 0)).isEqualTo(1);
    assertThat(drops.drop("b", 1)).as("another run's first").isEqualTo(1);
    assertThat(drops.drop("a", 2)).isZero();
    assertThat(drops.drop("a", MINUTE - 1)).isZero();
    assertThat(drops.drop("a", MINUTE)).isEqualTo(4);
    assertThat(drops.drop("a", MINUTE + 5)).isZero();
    assertThat(drops.drop("b", MINUTE + 5)).isEqualTo(2);
  }
}
