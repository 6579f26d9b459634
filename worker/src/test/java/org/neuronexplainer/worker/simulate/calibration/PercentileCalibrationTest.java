package org.neuronexplainer.worker.simulate.calibration;

import static java.util.Collections.nCopies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.score.Scoring;

/**
 * The expected numbers of the {@code percentile} fit were computed with the original's formula
 * ({@code PercentileMatchingCalibratedNeuronSimulator}: {@code np.interp(values, np.sort(ev),
 * np.sort(true))}, numpy 2.4.6), and the scores with its {@code scoring.py} formulas; the {@code
 * percentile-midrank} numbers with a numpy transcription of {@link
 * PercentileCalibration#fitMidrank}.
 */
class PercentileCalibrationTest {

  private static final double EXACT = 1e-12;

  /** 20 tokens of a sparse neuron and an integer-valued simulation of them: mostly tied zeros. */
  private static final double[] TIED_TRUE = {
    0, 0, 0, 0, 0, 0, 0, 0, 0.12, 0.3, 0, 0, 1.7, 2.4, 0, 0.05, 3.9, 0, 0.8, 5.2
  };

  private static final double[] TIED_EV = {
    0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0, 4, 6, 0, 0, 9, 0, 1, 7
  };

  private static final double[] TIED_QUERIES = {
    -1, 0, 0.5, 1, 1.5, 2, 3, 4, 5, 6.5, 7, 8, 9, 10, 0.25, 3.3
  };

  @Test
  void tiedEvsMapAsTheOriginalMapsThem() {
    PercentileCalibration fit = PercentileCalibration.fit(TIED_TRUE, TIED_EV);

    double[] original = {
      0.0, 0.0, 0.025, 0.3, 0.55, 0.8, 1.25, 1.7, 2.05, 3.15, 3.9, 4.55, 5.2, 5.2, 0.0125, 1.385
    };
    for (int i = 0; i < TIED_QUERIES.length; i++) {
      assertThat(fit.map(TIED_QUERIES[i]))
          .as("EV %s", TIED_QUERIES[i])
          .isCloseTo(original[i], within(EXACT));
    }
  }

  @Test
  void theMidrankVariantDiffersOnTies() {
    PercentileCalibration fit = PercentileCalibration.fitMidrank(TIED_TRUE, TIED_EV);

    // Equal to the original's everywhere except next to the tied 0s and 1s (by up to 0.18 here).
    double[] midrank = {
      0.0, 0.0, 0.06, 0.12, 0.46, 0.8, 1.25, 1.7, 2.05, 3.15, 3.9, 4.55, 5.2, 5.2, 0.03, 1.385
    };
    for (int i = 0; i < TIED_QUERIES.length; i++) {
      assertThat(fit.map(TIED_QUERIES[i]))
          .as("EV %s", TIED_QUERIES[i])
          .isCloseTo(midrank[i], within(EXACT));
    }
  }

  @Test
  void theOriginalJumpsAtTiesAndKeepsTheFirstRankBelowThem() {
    // Sorted EVs [2,2,2,5,5,8] against trues [0..5]: below 2 the first tie's value (0), at 2 the
    // last tie's (2), between 2 and 5 linear from (2, 2) to (5, 3).
    double[] trues = {0, 1, 2, 3, 4, 5};
    double[] evs = {2, 2, 2, 5, 5, 8};
    double[] queries = {1.5, 2, 2.5, 5, 6.5, 8, 9};

    PercentileCalibration original = PercentileCalibration.fit(trues, evs);
    PercentileCalibration midrank = PercentileCalibration.fitMidrank(trues, evs);

    double[] expected = {0.0, 2.0, 2.1666666666666665, 4.0, 4.5, 5.0, 5.0};
    double[] expectedMidrank = {1.0, 1.0, 1.4166666666666667, 3.5, 4.25, 5.0, 5.0};
    for (int i = 0; i < queries.length; i++) {
      assertThat(original.map(queries[i])).isCloseTo(expected[i], within(EXACT));
      assertThat(midrank.map(queries[i])).isCloseTo(expectedMidrank[i], within(EXACT));
    }
  }

  @Test
  void constantEvsMapToTheLargestActivationAtAndAboveThemAndTheSmallestBelow() {
    PercentileCalibration original =
        PercentileCalibration.fit(new double[] {9, 1, 5}, new double[] {2, 2, 2});
    PercentileCalibration midrank =
        PercentileCalibration.fitMidrank(new double[] {9, 1, 5}, new double[] {2, 2, 2});

    assertThat(original.map(0)).isEqualTo(1.0);
    assertThat(original.map(2)).isEqualTo(9.0);
    assertThat(original.map(10)).isEqualTo(9.0);
    // The midrank variant maps everything to the median activation.
    assertThat(midrank.map(0)).isEqualTo(5.0);
    assertThat(midrank.map(2)).isEqualTo(5.0);
    assertThat(midrank.map(10)).isEqualTo(5.0);
  }

  @Test
  void withoutTiesBothFitsAreTheOriginals() {
    double[] trues = {0.708, 1.025, 0.569, 0.895, 0.207, 3.384, 0.01, 2.809};
    double[] evs = {7.971, 4.679, 3.03, 2.784, 2.549, 4.451, 5.045, 5.535};
    double[] queries = {-1.0, 0.7, 2.2, 5.5, 9.9, 11.0};
    double[] original = {0.01, 0.01, 0.01, 2.681571428571428, 3.384, 3.384};

    PercentileCalibration fit = PercentileCalibration.fit(trues, evs);

    assertThat(PercentileCalibration.fitMidrank(trues, evs)).isEqualTo(fit);
    for (int i = 0; i < queries.length; i++) {
      assertThat(fit.map(queries[i])).isCloseTo(original[i], within(EXACT));
    }
  }

  @Test
  void calibratedScoresAreTheOriginals() {
    // Calibration split: two sequences of 8 tokens; valid split: two of 6.
    List<double[]> calibrationTrue =
        List.of(
            new double[] {0, 0, 0.4, 0, 2.1, 0, 0, 0.9},
            new double[] {0, 3.3, 0, 0, 0, 0.2, 1.2, 0});
    List<SequenceSimulation> calibrationSimulations =
        List.of(simulation(0, 0, 1, 0, 3, 0, 1, 1), simulation(0, 5, 0, 0, 1, 0, 2, 0));
    List<double[]> validTrue =
        List.of(new double[] {0, 1.5, 0, 0, 2.8, 0.1}, new double[] {0, 0, 0.6, 0, 0, 0});
    List<SequenceSimulation> validSimulations =
        List.of(simulation(0, 2, 0, 1, 4, 0.5), simulation(0, 0.5, 1, 0, 0, 3));

    ScoredSimulation original =
        Scoring.score(
            CalibrationMethod.PERCENTILE_MATCHING
                .fit(calibrationTrue, calibrationSimulations)
                .applyAll(validSimulations),
            validTrue);
    ScoredSimulation midrank =
        Scoring.score(
            CalibrationMethod.PERCENTILE_MIDRANK
                .fit(calibrationTrue, calibrationSimulations)
                .applyAll(validSimulations),
            validTrue);

    assertThat(original.scoredSequenceSimulations().get(0).simulation().expectedActivations())
        .containsExactly(new double[] {0.0, 1.2, 0.0, 0.9, 2.7, 0.0}, within(EXACT));
    assertThat(original.evCorrelationScore()).isCloseTo(0.7381151847028395, within(EXACT));
    assertThat(original.rsquaredScore()).isCloseTo(0.4818355640535372, within(EXACT));
    assertThat(original.absoluteDevExplainedScore()).isCloseTo(0.2400000000000001, within(EXACT));
    assertThat(midrank.evCorrelationScore()).isCloseTo(0.7528954600288119, within(EXACT));
    assertThat(midrank.rsquaredScore()).isCloseTo(0.5492351816443595, within(EXACT));
    assertThat(midrank.absoluteDevExplainedScore()).isCloseTo(0.3400000000000001, within(EXACT));
  }

  @Test
  void theOriginalsFitNeedsOneEvPerTrueActivation() {
    // The original's np.interp raises "fp and xp are not of the same length" here.
    assertThatThrownBy(
            () -> PercentileCalibration.fit(new double[] {9, 0, 4, 1}, new double[] {10, 0, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 EVs and 4 true activations")
        .hasMessageContaining("percentile-midrank");
  }

  @Test
  void theMidrankVariantMatchesDifferentLengthsByQuantile() {
    // EVs [0,5,10]: quantiles 0, 1/2, 1. Trues [0,1,4,9] (4 values): positions 0, 1.5, 3.
    // Position 1.5 = halfway between 1 and 4 = 2.5. Knots: 0 -> 0, 5 -> 2.5, 10 -> 9.
    PercentileCalibration fit =
        PercentileCalibration.fitMidrank(new double[] {9, 0, 4, 1}, new double[] {10, 0, 5});

    assertThat(fit.trueKnots()).containsExactly(0.0, 2.5, 9.0);
    assertThat(fit.map(2.5)).isCloseTo(1.25, within(EXACT));
    assertThat(fit.map(7.5)).isCloseTo(5.75, within(EXACT));
  }

  @Test
  void clampsOutsideTheCalibrationRange() {
    PercentileCalibration fit =
        PercentileCalibration.fit(new double[] {10, 20, 30}, new double[] {1, 2, 3});

    assertThat(fit.map(0)).isEqualTo(10.0);
    assertThat(fit.map(-5)).isEqualTo(10.0);
    assertThat(fit.map(10)).isEqualTo(30.0);
    assertThat(fit.map(Double.NaN)).isNaN();
  }

  @Test
  void bothFitsAreNonDecreasing() {
    double[] trues = {0, 0, 0.1, 0.3, 2.2, 4.0, -0.1, 0.05};
    double[] evs = {0, 1, 0, 3, 8, 10, 0, 1};
    for (PercentileCalibration fit :
        List.of(
            PercentileCalibration.fit(trues, evs), PercentileCalibration.fitMidrank(trues, evs))) {
      double previous = Double.NEGATIVE_INFINITY;
      for (double ev = -1; ev <= 11; ev += 0.25) {
        double mapped = fit.map(ev);
        assertThat(mapped).isGreaterThanOrEqualTo(previous);
        previous = mapped;
      }
    }
  }

  @Test
  void rejectsNoTokens() {
    assertThatThrownBy(() -> PercentileCalibration.fit(new double[] {1}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one token");
    assertThatThrownBy(() -> PercentileCalibration.fitMidrank(new double[] {1}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one token");
  }

  private static SequenceSimulation simulation(double... expected) {
    List<String> tokens = nCopies(expected.length, " t");
    return new SequenceSimulation(
        tokens,
        expected,
        ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
        nCopies(expected.length, new double[0]),
        nCopies(expected.length, new double[0]),
        null);
  }
}
