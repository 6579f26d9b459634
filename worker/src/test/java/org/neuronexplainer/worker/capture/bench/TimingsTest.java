package org.neuronexplainer.worker.capture.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.bench.Timings.Round;

class TimingsTest {

  private static Timings walls(double... seconds) {
    return new Timings(Arrays.stream(seconds).mapToObj(s -> new Round(s, 2 * s, 0)).toList());
  }

  @Test
  void theBestRoundIsTheFastestByWallAndByCpuTimeApart() {
    Timings timings = new Timings(List.of(new Round(3, 1, 0), new Round(2, 5, 0)));
    assertThat(timings.bestWallSeconds()).isEqualTo(2);
    assertThat(timings.bestCpuSeconds()).isEqualTo(1);
    assertThat(timings.wallSeconds()).containsExactly(3, 2);
  }

  @Test
  void ratiosAreTakenRoundByRoundThenTheMedian() {
    Timings forward = walls(1, 3, 2, 10);
    Timings capture = walls(2, 4, 8, 10);
    // 0.5, 0.75, 0.25, 1: the median of four is the mean of the middle two.
    assertThat(forward.medianRatio(capture)).isCloseTo(0.625, within(1e-12));
    assertThat(walls(1, 3, 2).medianRatio(walls(2, 4, 8))).isCloseTo(0.5, within(1e-12));
    assertThatThrownBy(() -> walls(1).medianRatio(walls(1, 2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theForwardShareCountsOnlyRoundsThatWaitedForTheirStatistics() {
    Timings capture =
        new Timings(List.of(new Round(4, 4, 1), new Round(2, 2, 0), new Round(5, 5, 2)));
    assertThat(capture.waitedSeconds()).containsExactly(1, 2);
    // 1 - 1/4 and 1 - 2/5.
    assertThat(capture.medianForwardShare()).isCloseTo(0.675, within(1e-12));
    assertThat(walls(1, 2).medianForwardShare()).isNaN();
  }

  @Test
  void timingsHaveAtLeastOneRound() {
    assertThatThrownBy(() -> new Timings(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
