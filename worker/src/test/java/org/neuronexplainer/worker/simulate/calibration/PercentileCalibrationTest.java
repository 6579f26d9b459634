package org.neuronexplainer.worker.simulate.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PercentileCalibrationTest {

  private static final double EXACT = 1e-12;

  @Test
  void equalLengthsWithoutTiesPairTheSortedArrays() {
    // Sorted EVs [1,2,3] pair with sorted trues [10,20,30], whatever the input order.
    PercentileCalibration fit =
        PercentileCalibration.fit(new double[] {30, 10, 20}, new double[] {3, 1, 2});

    assertThat(fit.simulatedKnots()).containsExactly(1, 2, 3);
    assertThat(fit.trueKnots()).containsExactly(10, 20, 30);
    assertThat(fit.map(2)).isEqualTo(20.0);
    // Halfway between knots 1 -> 10 and 2 -> 20.
    assertThat(fit.map(1.5)).isCloseTo(15.0, within(EXACT));
  }

  @Test
  void clampsOutsideTheCalibrationRange() {
    PercentileCalibration fit =
        PercentileCalibration.fit(new double[] {10, 20, 30}, new double[] {1, 2, 3});

    assertThat(fit.map(0)).isEqualTo(10.0);
    assertThat(fit.map(-5)).isEqualTo(10.0);
    assertThat(fit.map(10)).isEqualTo(30.0);
  }

  @Test
  void differentLengthsMatchByQuantile() {
    // EVs [0,5,10]: quantiles 0, 1/2, 1. Trues [0,1,4,9] (4 values): positions 0, 1.5, 3.
    // Position 1.5 = halfway between 1 and 4 = 2.5. Knots: 0 -> 0, 5 -> 2.5, 10 -> 9.
    PercentileCalibration fit =
        PercentileCalibration.fit(new double[] {9, 0, 4, 1}, new double[] {10, 0, 5});

    assertThat(fit.trueKnots()).containsExactly(0.0, 2.5, 9.0);
    assertThat(fit.map(2.5)).isCloseTo(1.25, within(EXACT));
    assertThat(fit.map(7.5)).isCloseTo(5.75, within(EXACT));
  }

  @Test
  void tiedEvsBecomeOneKnotAtTheirMidrank() {
    // EVs [0,0,0,10]: the three zeros hold ranks 0..2, midrank 1; 10 holds rank 3.
    // Trues [0,1,2,8]: rank 1 -> 1, rank 3 -> 8. Knots: 0 -> 1, 10 -> 8.
    PercentileCalibration fit =
        PercentileCalibration.fit(new double[] {0, 1, 2, 8}, new double[] {0, 10, 0, 0});

    assertThat(fit.simulatedKnots()).containsExactly(0, 10);
    assertThat(fit.trueKnots()).containsExactly(1, 8);
    assertThat(fit.map(5)).isCloseTo(4.5, within(EXACT));
  }

  @Test
  void constantEvsMapEverythingToTheMedianActivation() {
    // One knot at quantile 1/2: trues [1,5,9] -> 5.
    PercentileCalibration fit =
        PercentileCalibration.fit(new double[] {9, 1, 5}, new double[] {2, 2, 2});

    assertThat(fit.map(2)).isEqualTo(5.0);
    assertThat(fit.map(0)).isEqualTo(5.0);
    assertThat(fit.map(10)).isEqualTo(5.0);
  }

  @Test
  void isNonDecreasing() {
    PercentileCalibration fit =
        PercentileCalibration.fit(
            new double[] {0, 0, 0.1, 0.3, 2.2, 4.0, -0.1, 0.05},
            new double[] {0, 1, 0, 3, 8, 10, 0, 1});

    double previous = Double.NEGATIVE_INFINITY;
    for (double ev = -1; ev <= 11; ev += 0.25) {
      double mapped = fit.map(ev);
      assertThat(mapped).isGreaterThanOrEqualTo(previous);
      previous = mapped;
    }
  }

  @Test
  void rejectsNoTokens() {
    assertThatThrownBy(() -> PercentileCalibration.fit(new double[] {1}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one token");
  }
}
