package org.neuronexplainer.worker.score;

/**
 * The three scores of a prediction {@code p} against real activations {@code r} (docs/method.md
 * 5.2).
 *
 * <p>Every formula returns NaN where it is undefined: no tokens, a constant vector for the
 * correlation, a zero denominator for the other two. NaN is what the files store as null, which is
 * also what the original writes for an empty pooled correlation, so "undefined" has one
 * representation here. Arithmetic is in double with two passes (means first, then centered sums),
 * so large offsets do not cancel away the spread.
 */
public final class ScoreFormulas {
  private ScoreFormulas() {}

  /**
   * Pearson correlation of {@code real} and {@code predicted}; NaN when either is constant or
   * empty. Clamped to [-1, 1] so rounding never reports a correlation above 1.
   */
  public static double correlation(double[] real, double[] predicted) {
    requireSameLength(real, predicted);
    int n = real.length;
    if (n == 0 || isConstant(real) || isConstant(predicted)) {
      return Double.NaN;
    }
    double meanReal = mean(real);
    double meanPredicted = mean(predicted);
    double sumRealReal = 0;
    double sumPredictedPredicted = 0;
    double sumRealPredicted = 0;
    for (int i = 0; i < n; i++) {
      double dr = real[i] - meanReal;
      double dp = predicted[i] - meanPredicted;
      sumRealReal += dr * dr;
      sumPredictedPredicted += dp * dp;
      sumRealPredicted += dr * dp;
    }
    if (sumRealReal == 0 || sumPredictedPredicted == 0) {
      return Double.NaN;
    }
    double r = sumRealPredicted / (Math.sqrt(sumRealReal) * Math.sqrt(sumPredictedPredicted));
    return Math.max(-1.0, Math.min(1.0, r));
  }

  /**
   * The original's "rsquared": 1 - mean((r - p)^2) / mean(r^2). The denominator is the raw second
   * moment of r, not its variance, so this is not the textbook R^2 (docs/method.md 5.2, 13.6). NaN
   * when there are no tokens or mean(r^2) = 0.
   */
  public static double rsquared(double[] real, double[] predicted) {
    requireSameLength(real, predicted);
    double squaredError = 0;
    double squaredReal = 0;
    for (int i = 0; i < real.length; i++) {
      double error = real[i] - predicted[i];
      squaredError += error * error;
      squaredReal += real[i] * real[i];
    }
    // The 1/n of both means cancels.
    return squaredReal == 0 ? Double.NaN : 1 - squaredError / squaredReal;
  }

  /**
   * "Absolute deviation explained": 1 - mean(|r - p|) / mean(|r|). NaN when there are no tokens or
   * mean(|r|) = 0.
   */
  public static double absoluteDevExplained(double[] real, double[] predicted) {
    requireSameLength(real, predicted);
    double absoluteError = 0;
    double absoluteReal = 0;
    for (int i = 0; i < real.length; i++) {
      absoluteError += Math.abs(real[i] - predicted[i]);
      absoluteReal += Math.abs(real[i]);
    }
    return absoluteReal == 0 ? Double.NaN : 1 - absoluteError / absoluteReal;
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  private static boolean isConstant(double[] values) {
    for (double value : values) {
      // A NaN is not "constant": let it reach the sums and come out as NaN anyway.
      if (Double.compare(value, values[0]) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void requireSameLength(double[] real, double[] predicted) {
    if (real.length != predicted.length) {
      throw new IllegalArgumentException(
          "real and predicted activations differ in length: "
              + real.length
              + " and "
              + predicted.length);
    }
  }
}
