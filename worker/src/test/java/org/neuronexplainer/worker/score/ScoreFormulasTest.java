package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoreFormulasTest {

  private static final double EXACT = 1e-12;

  @Test
  void correlationMatchesAHandComputedPearsonCoefficient() {
    // r = [1,2,3], p = [1,3,2]; both means 2; dr = [-1,0,1], dp = [-1,1,0]
    // sum(dr*dp) = 1, sum(dr^2) = 2, sum(dp^2) = 2 -> 1 / sqrt(2*2) = 0.5
    assertThat(ScoreFormulas.correlation(new double[] {1, 2, 3}, new double[] {1, 3, 2}))
        .isCloseTo(0.5, within(EXACT));
  }

  @Test
  void correlationOfAnIncreasingLinearFunctionIsOneAndOfADecreasingOneMinusOne() {
    double[] real = {0.0, 0.3, 1.7, 4.2};
    assertThat(ScoreFormulas.correlation(real, new double[] {1.0, 1.6, 4.4, 9.4}))
        .isCloseTo(1.0, within(EXACT));
    assertThat(ScoreFormulas.correlation(real, new double[] {0.0, -0.3, -1.7, -4.2}))
        .isCloseTo(-1.0, within(EXACT));
  }

  @Test
  void correlationNeverExceedsOneThroughRounding() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      double[] real = random.doubles(64).map(x -> x * 3.7 - 0.17).toArray();
      double[] predicted = new double[real.length];
      for (int i = 0; i < real.length; i++) {
        predicted[i] = 0.1 * real[i] + 0.3;
      }
      assertThat(ScoreFormulas.correlation(real, predicted))
          .isLessThanOrEqualTo(1.0)
          .isCloseTo(1.0, within(1e-9));
    }
  }

  @Test
  void correlationSurvivesALargeOffset() {
    // The one-pass formula sum(xy) - n*mean(x)*mean(y) cancels catastrophically here.
    assertThat(
            ScoreFormulas.correlation(
                new double[] {1e9 + 1, 1e9 + 2, 1e9 + 3}, new double[] {1, 3, 2}))
        .isCloseTo(0.5, within(1e-9));
  }

  @Test
  void correlationIsNaNForAConstantPrediction() {
    assertThat(ScoreFormulas.correlation(new double[] {0.0, 2.0, 5.0}, new double[] {3, 3, 3}))
        .isNaN();
  }

  @Test
  void correlationIsNaNForConstantRealActivations() {
    assertThat(ScoreFormulas.correlation(new double[] {0, 0, 0}, new double[] {1, 2, 3})).isNaN();
  }

  @Test
  void correlationOfOneTokenIsNaN() {
    assertThat(ScoreFormulas.correlation(new double[] {2}, new double[] {7})).isNaN();
  }

  @Test
  void everyScoreOfNoTokensIsNaN() {
    double[] none = {};
    assertThat(ScoreFormulas.correlation(none, none)).isNaN();
    assertThat(ScoreFormulas.rsquared(none, none)).isNaN();
    assertThat(ScoreFormulas.absoluteDevExplained(none, none)).isNaN();
  }

  @Test
  void rsquaredDividesByTheMeanSquareNotTheVariance() {
    // r = [1,3], p = [2,2]: mean((r-p)^2) = (1+1)/2 = 1; mean(r^2) = (1+9)/2 = 5 -> 1 - 1/5 = 0.8.
    // With the variance of r (= 1) as denominator this would be 1 - 1/1 = 0.
    assertThat(ScoreFormulas.rsquared(new double[] {1, 3}, new double[] {2, 2}))
        .isCloseTo(0.8, within(EXACT));
  }

  @Test
  void rsquaredIsNegativeForPredictionsOnTheWrongScale() {
    // r = [0, 1], p = [0, 10]: mean sq error = 81/2; mean r^2 = 1/2 -> 1 - 81 = -80.
    assertThat(ScoreFormulas.rsquared(new double[] {0, 1}, new double[] {0, 10}))
        .isCloseTo(-80.0, within(EXACT));
  }

  @Test
  void rsquaredIsNaNWhenTheRealActivationsAreAllZero() {
    assertThat(ScoreFormulas.rsquared(new double[] {0, 0}, new double[] {1, 0})).isNaN();
  }

  @Test
  void absoluteDevExplainedMatchesAHandComputedValue() {
    // r = [1,-3], p = [2,-1]: |r-p| = [1,2], mean 1.5; |r| = [1,3], mean 2 -> 1 - 1.5/2 = 0.25.
    assertThat(ScoreFormulas.absoluteDevExplained(new double[] {1, -3}, new double[] {2, -1}))
        .isCloseTo(0.25, within(EXACT));
  }

  @Test
  void absoluteDevExplainedIsNaNWhenTheRealActivationsAreAllZero() {
    assertThat(ScoreFormulas.absoluteDevExplained(new double[] {0, 0}, new double[] {0, 0}))
        .isNaN();
  }

  @Test
  void vectorsOfDifferentLengthsAreRejected() {
    assertThatThrownBy(() -> ScoreFormulas.correlation(new double[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 and 1");
  }
}
