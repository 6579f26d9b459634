package org.neuronexplainer.worker.simulate.calibration;

/**
 * true ≈ slope * EV + intercept, fitted by ordinary least squares with an intercept (docs/method.md
 * 4.5). An affine map leaves the magnitude of the correlation score unchanged and moves rsquared
 * and absolute-dev. Its sign is kept only when the slope is positive: an explanation whose
 * simulation anticorrelates on the calibration split gets a negative slope, which flips the sign of
 * its valid-split correlation. The original behaves the same (its fit is unconstrained), and this
 * keeps that so scores stay comparable with the public ones.
 */
public record LinearCalibration(double slope, double intercept) implements Calibration {

  /**
   * The least-squares fit of {@code trueActivations} on {@code expectedActivations}, both the
   * concatenation of every calibration sequence. When the EVs are constant the slope is
   * unidentifiable; it is set to 0 and the intercept to mean(true), the minimum-norm solution the
   * original's scikit-learn fit returns, so every EV maps to the mean activation.
   */
  public static LinearCalibration fit(double[] trueActivations, double[] expectedActivations) {
    Fits.requireFittable(trueActivations, expectedActivations);
    if (trueActivations.length != expectedActivations.length) {
      throw new IllegalArgumentException(
          "linear calibration pairs each EV with its token's true activation, but there are "
              + expectedActivations.length
              + " EVs and "
              + trueActivations.length
              + " true activations");
    }
    int n = trueActivations.length;
    double meanTrue = Fits.mean(trueActivations);
    double meanEv = Fits.mean(expectedActivations);
    double sumEvEv = 0;
    double sumEvTrue = 0;
    for (int i = 0; i < n; i++) {
      double dEv = expectedActivations[i] - meanEv;
      sumEvEv += dEv * dEv;
      sumEvTrue += dEv * (trueActivations[i] - meanTrue);
    }
    if (sumEvEv == 0) {
      return new LinearCalibration(0.0, meanTrue);
    }
    double slope = sumEvTrue / sumEvEv;
    return new LinearCalibration(slope, meanTrue - slope * meanEv);
  }

  @Override
  public double map(double simulated) {
    return slope * simulated + intercept;
  }
}
