package org.neuronexplainer.worker.simulate.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.score.ScoreFormulas;

class LinearCalibrationTest {

  private static final double EXACT = 1e-12;

  @Test
  void recoversAnExactLine() {
    // true = 2 * EV + 1 at EV = 0..3.
    LinearCalibration fit =
        LinearCalibration.fit(new double[] {1, 3, 5, 7}, new double[] {0, 1, 2, 3});

    assertThat(fit.slope()).isCloseTo(2.0, within(EXACT));
    assertThat(fit.intercept()).isCloseTo(1.0, within(EXACT));
    assertThat(fit.map(10)).isCloseTo(21.0, within(EXACT));
  }

  @Test
  void fitsLeastSquaresWithAnIntercept() {
    // EV = [0,0,10], true = [0,1,8]: mean EV = 10/3, mean true = 3.
    // dEV = [-10/3, -10/3, 20/3], dTrue = [-3, -2, 5]
    // Sxx = (100 + 100 + 400)/9 = 600/9; Sxy = 10 + 20/3 + 100/3 = 50
    // slope = 50 / (600/9) = 0.75; intercept = 3 - 0.75 * 10/3 = 0.5
    LinearCalibration fit = LinearCalibration.fit(new double[] {0, 1, 8}, new double[] {0, 0, 10});

    assertThat(fit.slope()).isCloseTo(0.75, within(EXACT));
    assertThat(fit.intercept()).isCloseTo(0.5, within(EXACT));
  }

  @Test
  void constantEvsGiveSlopeZeroAndTheMeanActivation() {
    // Nothing to regress on: every EV maps to mean(true) = (1 + 2 + 6)/3 = 3.
    LinearCalibration fit = LinearCalibration.fit(new double[] {1, 2, 6}, new double[] {4, 4, 4});

    assertThat(fit.slope()).isEqualTo(0.0);
    assertThat(fit.intercept()).isCloseTo(3.0, within(EXACT));
    assertThat(fit.map(9)).isCloseTo(3.0, within(EXACT));
  }

  @Test
  void leavesTheCorrelationUnchangedButNotRsquared() {
    double[] real = {0.0, 0.1, 2.4, 0.0, 3.9, -0.1, 0.7};
    double[] evs = {0.0, 1.0, 6.5, 0.2, 9.1, 0.0, 3.0};
    LinearCalibration fit = LinearCalibration.fit(real, evs);
    double[] calibrated = new double[evs.length];
    for (int i = 0; i < evs.length; i++) {
      calibrated[i] = fit.map(evs[i]);
    }

    assertThat(fit.slope()).isPositive();
    assertThat(ScoreFormulas.correlation(real, calibrated))
        .isCloseTo(ScoreFormulas.correlation(real, evs), within(1e-12));
    // On the 0..10 scale rsquared is far below zero; in neuron units the fit makes it positive.
    assertThat(ScoreFormulas.rsquared(real, evs)).isNegative();
    assertThat(ScoreFormulas.rsquared(real, calibrated)).isPositive();
  }

  @Test
  void aNegativeSlopeFlipsTheSignOfTheCorrelationAsInTheOriginal() {
    // Calibration split: EV = [0, 10], true = [2, 0] -> slope -0.2, intercept 2.
    LinearCalibration fit = LinearCalibration.fit(new double[] {2, 0}, new double[] {0, 10});
    // Valid split: r = [0, 1, 3], EVs = [0, 2, 9] correlate positively; calibrated they do not.
    double[] real = {0, 1, 3};
    double[] evs = {0, 2, 9};
    double[] calibrated = {fit.map(0), fit.map(2), fit.map(9)};

    assertThat(fit.slope()).isCloseTo(-0.2, within(EXACT));
    assertThat(ScoreFormulas.correlation(real, calibrated))
        .isCloseTo(-ScoreFormulas.correlation(real, evs), within(EXACT));
  }

  @Test
  void rejectsNoTokensMismatchedLengthsAndNonFiniteValues() {
    assertThatThrownBy(() -> LinearCalibration.fit(new double[0], new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one token");
    assertThatThrownBy(() -> LinearCalibration.fit(new double[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 EVs and 2 true activations");
    assertThatThrownBy(
            () -> LinearCalibration.fit(new double[] {1, Double.NaN}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value 1 is NaN");
  }
}
