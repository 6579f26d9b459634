package org.neuronexplainer.worker.simulate.calibration;

/** Checks and sums shared by the calibration fits. */
final class Fits {
  private Fits() {}

  static void requireFittable(double[] trueActivations, double[] expectedActivations) {
    if (trueActivations.length == 0 || expectedActivations.length == 0) {
      throw new IllegalArgumentException(
          "calibration needs at least one token; got "
              + trueActivations.length
              + " true activations and "
              + expectedActivations.length
              + " expected activations");
    }
    requireFinite("true activations", trueActivations);
    requireFinite("expected activations", expectedActivations);
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  private static void requireFinite(String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "calibration " + what + " must be finite; value " + i + " is " + values[i]);
      }
    }
  }
}
