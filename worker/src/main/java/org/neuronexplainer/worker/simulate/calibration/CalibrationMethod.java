package org.neuronexplainer.worker.simulate.calibration;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.common.dataset.SequenceSimulation;

/**
 * The ways to fit a {@link Calibration} (docs/method.md 4.5). The original's default for scoring is
 * linear; its demos use none, which is fine for the correlation score since calibration by an
 * increasing map does not change it.
 */
public enum CalibrationMethod {
  NONE("none"),
  LINEAR("linear"),
  /** The original's percentile matching: sorted EVs paired with sorted true activations. */
  PERCENTILE_MATCHING("percentile"),
  /** Percentile matching with one knot per distinct EV at its midrank; a continuous map. */
  PERCENTILE_MIDRANK("percentile-midrank");

  private final String configName;

  CalibrationMethod(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration and on the command line. */
  public String configName() {
    return configName;
  }

  /**
   * The method called {@code name}: {@code none}, {@code linear}, {@code percentile} or {@code
   * percentile-midrank}.
   */
  public static CalibrationMethod fromConfigName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(method -> method.configName.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown calibration \""
                        + name
                        + "\" (expected none, linear, percentile or percentile-midrank)"));
  }

  /**
   * Fits this method's map from the concatenated true activations and EVs of every calibration
   * sequence.
   */
  public Calibration fit(double[] trueActivations, double[] expectedActivations) {
    return switch (this) {
      case NONE -> new NoCalibration();
      case LINEAR -> LinearCalibration.fit(trueActivations, expectedActivations);
      case PERCENTILE_MATCHING -> PercentileCalibration.fit(trueActivations, expectedActivations);
      case PERCENTILE_MIDRANK ->
          PercentileCalibration.fitMidrank(trueActivations, expectedActivations);
    };
  }

  /**
   * Fits from the calibration split: each sequence's true activations and its raw (uncalibrated)
   * simulation, concatenated in order.
   */
  public Calibration fit(List<double[]> trueActivations, List<SequenceSimulation> simulations) {
    if (trueActivations.size() != simulations.size()) {
      throw new IllegalArgumentException(
          trueActivations.size()
              + " true activation sequences but "
              + simulations.size()
              + " simulations");
    }
    return fit(
        concatenate(trueActivations),
        concatenate(simulations.stream().map(SequenceSimulation::expectedActivations).toList()));
  }

  private static double[] concatenate(List<double[]> sequences) {
    return sequences.stream().flatMapToDouble(Arrays::stream).toArray();
  }
}
