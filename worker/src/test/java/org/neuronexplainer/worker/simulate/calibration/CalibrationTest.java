package org.neuronexplainer.worker.simulate.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;

class CalibrationTest {

  private static final double EXACT = 1e-12;

  /** Two tokens, with distribution values out of numeric order as the API returns them. */
  private static SequenceSimulation raw() {
    return new SequenceSimulation(
        List.of(" in", " Canada"),
        new double[] {0.03, 7.9},
        ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
        List.of(new double[] {0, 1}, new double[] {8, 10, 0}),
        List.of(new double[] {0.97, 0.03}, new double[] {0.55, 0.40, 0.05}),
        null);
  }

  @Test
  void linearCalibrationMapsEvsAndDistributionValuesAndNestsTheRawSimulation() {
    SequenceSimulation calibrated = new LinearCalibration(0.5, -0.1).apply(raw());

    // 0.5 * 0.03 - 0.1 = -0.085; 0.5 * 7.9 - 0.1 = 3.85.
    assertThat(calibrated.expectedActivations()[0]).isCloseTo(-0.085, within(EXACT));
    assertThat(calibrated.expectedActivations()[1]).isCloseTo(3.85, within(EXACT));
    // [0,1] -> [-0.1, 0.4]; [8,10,0] -> [3.9, 4.9, -0.1], order kept.
    assertThat(calibrated.distributionValues().get(0)).containsExactly(-0.1, 0.4);
    assertThat(calibrated.distributionValues().get(1)).containsExactly(3.9, 4.9, -0.1);
    assertThat(calibrated.distributionProbabilities())
        .usingElementComparator(Arrays::compare)
        .containsExactlyElementsOf(raw().distributionProbabilities());
    assertThat(calibrated.activationScale()).isEqualTo(ActivationScale.NEURON_ACTIVATIONS);
    assertThat(calibrated.uncalibratedSimulation()).isEqualTo(raw());
    assertThat(calibrated.tokens()).isEqualTo(raw().tokens());
  }

  @Test
  void percentileCalibrationClampsMappedDistributionValues() {
    // Knots 0 -> 0.0 and 8 -> 4.0: 10 is past the last knot and clamps to 4.0.
    PercentileCalibration fit =
        new PercentileCalibration(new double[] {0, 8}, new double[] {0.0, 4.0});

    SequenceSimulation calibrated = fit.apply(raw());

    assertThat(calibrated.distributionValues().get(1)).containsExactly(4.0, 4.0, 0.0);
    assertThat(calibrated.activationScale()).isEqualTo(ActivationScale.NEURON_ACTIVATIONS);
  }

  @Test
  void noCalibrationKeepsTheHonestScaleAndNestsNothing() {
    SequenceSimulation result = new NoCalibration().apply(raw());

    assertThat(result).isEqualTo(raw());
    assertThat(result.activationScale())
        .isEqualTo(ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS);
    assertThat(result.uncalibratedSimulation()).isNull();
  }

  @Test
  void aCalibratedSimulationIsNotCalibratedTwice() {
    SequenceSimulation once = new LinearCalibration(2, 0).apply(raw());

    assertThatThrownBy(() -> new LinearCalibration(2, 0).apply(once))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uncalibrated_simulation");
  }

  @Test
  void methodsFitOnTheConcatenationOfTheCalibrationSequences() {
    // Sequences ([1,3] vs EVs [0,1]) and ([5,7] vs [2,3]) concatenate to true = 2 * EV + 1.
    List<double[]> trues = List.of(new double[] {1, 3}, new double[] {5, 7});
    List<SequenceSimulation> simulations = List.of(simulation(0, 1), simulation(2, 3));

    Calibration linear = CalibrationMethod.LINEAR.fit(trues, simulations);
    Calibration percentile = CalibrationMethod.PERCENTILE_MATCHING.fit(trues, simulations);

    assertThat(linear).isInstanceOf(LinearCalibration.class);
    assertThat(((LinearCalibration) linear).slope()).isCloseTo(2.0, within(EXACT));
    assertThat(((LinearCalibration) linear).intercept()).isCloseTo(1.0, within(EXACT));
    assertThat(percentile.map(2.5)).isCloseTo(6.0, within(EXACT));
    assertThat(CalibrationMethod.NONE.fit(trues, simulations)).isEqualTo(new NoCalibration());
  }

  @Test
  void methodsAreNamedAsInConfiguration() {
    assertThat(CalibrationMethod.fromConfigName("linear")).isEqualTo(CalibrationMethod.LINEAR);
    assertThat(CalibrationMethod.fromConfigName(" Percentile "))
        .isEqualTo(CalibrationMethod.PERCENTILE_MATCHING);
    assertThat(CalibrationMethod.fromConfigName("percentile-midrank"))
        .isEqualTo(CalibrationMethod.PERCENTILE_MIDRANK);
    assertThat(CalibrationMethod.fromConfigName("none")).isEqualTo(CalibrationMethod.NONE);
    assertThatThrownBy(() -> CalibrationMethod.fromConfigName("isotonic"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("none, linear, percentile or percentile-midrank");
  }

  private static SequenceSimulation simulation(double... expected) {
    return new SequenceSimulation(
        expected.length == 2 ? List.of(" a", " b") : List.of(),
        expected,
        ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
        List.of(),
        List.of(),
        null);
  }
}
