package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.simulate.DigitDistribution.Candidate;

/**
 * The expected numbers were computed with the original's {@code
 * compute_predicted_activation_stats_for_token} ({@code parse_top_logprobs}, the renormalization
 * and {@code compute_expected_value}), numpy 2.4.6.
 */
class DigitDistributionTest {

  private static final double EXACT = 1e-12;
  private static final double MINUS_INF = Double.NEGATIVE_INFINITY;

  private static Candidate candidate(String token, double logprob) {
    return new Candidate(token, logprob);
  }

  @Test
  void theDigitsAreRenormalizedAmongThemselves() {
    DigitDistribution distribution =
        DigitDistribution.of(
            List.of(
                candidate("0", -0.2),
                candidate("unknown", -1.9),
                candidate("1", -2.5),
                candidate("3", -3.1),
                candidate("10", -4.0)));

    assertThat(distribution.values()).containsExactly(0, 1, 3, 10);
    assertThat(distribution.probabilities())
        .containsExactly(
            new double[] {
              0.8491466837597109, 0.0851344646648019, 0.04672278484067901, 0.01899606673480809
            },
            within(EXACT));
    assertThat(distribution.expectedValue()).isCloseTo(0.4152634865349198, within(EXACT));
  }

  @Test
  void aDigitAtMinusInfinityStaysWithProbabilityZero() {
    DigitDistribution distribution =
        DigitDistribution.of(
            List.of(
                candidate("0", -0.2),
                candidate("unknown", -1.9),
                candidate("1", -2.5),
                candidate("3", MINUS_INF),
                candidate("10", -4.0)));

    assertThat(distribution.values()).containsExactly(0, 1, 3, 10);
    assertThat(distribution.probabilities())
        .containsExactly(
            new double[] {0.890765739762062, 0.08930714309643224, 0.0, 0.019927117141505662},
            within(EXACT));
    assertThat(distribution.probabilities()[2]).isZero();
    assertThat(distribution.expectedValue()).isCloseTo(0.28857831451148885, within(EXACT));
  }

  @Test
  void oneFiniteDigitBesideMinusInfinityTakesAllTheMass() {
    DigitDistribution distribution =
        DigitDistribution.of(
            List.of(candidate("7", -3.0), candidate("0", MINUS_INF), candidate("unknown", -0.05)));

    assertThat(distribution.values()).containsExactly(7, 0);
    assertThat(distribution.probabilities()).containsExactly(1.0, 0.0);
    assertThat(distribution.expectedValue()).isEqualTo(7.0);
  }

  @Test
  void everyDigitAtMinusInfinityHasNoExpectedValue() {
    // The original's expected value is NaN here; this fails the response instead.
    assertThatThrownBy(
            () ->
                DigitDistribution.of(
                    List.of(
                        candidate("unknown", -0.01),
                        candidate("0", MINUS_INF),
                        candidate("2", MINUS_INF))))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining("probability 0");
  }

  @Test
  void digitsWhoseProbabilitiesUnderflowHaveNoExpectedValueEither() {
    // exp(-800) is 0 in double precision, in numpy as here: the original's value is NaN too.
    assertThatThrownBy(
            () -> DigitDistribution.of(List.of(candidate("0", -800), candidate("1", -900))))
        .isInstanceOf(SimulationParseException.class);
  }

  @Test
  void noDigitIsAnEmptyDistributionAtZero() {
    DigitDistribution distribution =
        DigitDistribution.of(List.of(candidate("unknown", -0.01), candidate(" 5", -5.0)));

    assertThat(distribution.isEmpty()).isTrue();
    assertThat(distribution.expectedValue()).isZero();
  }

  @Test
  void aDigitWhoseLogprobIsNotANumberFails() {
    assertThatThrownBy(
            () -> DigitDistribution.of(List.of(candidate("0", -0.1), candidate("4", Double.NaN))))
        .isInstanceOf(SimulationParseException.class)
        .hasMessageContaining("\"4\"");
    assertThatThrownBy(
            () ->
                DigitDistribution.of(
                    List.of(candidate("0", -0.1), candidate("4", Double.POSITIVE_INFINITY))))
        .isInstanceOf(SimulationParseException.class);
    // Only digits matter: another token's missing logprob is ignored like the token.
    assertThat(
            DigitDistribution.of(List.of(candidate("0", -0.1), candidate("x", Double.NaN)))
                .expectedValue())
        .isZero();
  }

  @Test
  void onlyTheExactDigitStringsCount() {
    assertThat(DigitDistribution.digitValue("10")).isEqualTo(10);
    assertThat(DigitDistribution.digitValue("0")).isZero();
    assertThat(DigitDistribution.digitValue(" 5")).isNull();
    assertThat(DigitDistribution.digitValue("05")).isNull();
    assertThat(DigitDistribution.digitValue("11")).isNull();
    assertThat(DigitDistribution.digitValue(null)).isNull();
  }
}
