package org.neuronexplainer.worker.capture.stats;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Mean, variance, skewness and kurtosis from exact power sums (docs/method.md 1.4). Population
 * moments (divided by n, numpy's and scipy's defaults); kurtosis is the excess kurtosis (scipy's
 * default, 0 for a normal distribution). The central moments are expanded from the raw sums in
 * 34-digit decimals, so the cancellation that ruins this formula in doubles does not happen.
 */
record Moments(double mean, double variance, double skewness, double kurtosis) {
  private static final MathContext MC = MathContext.DECIMAL128;

  static final Moments UNKNOWN = new Moments(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  static Moments of(long count, BigDecimal s1, BigDecimal s2, BigDecimal s3, BigDecimal s4) {
    if (count == 0) {
      return UNKNOWN;
    }
    BigDecimal n = BigDecimal.valueOf(count);
    BigDecimal mean = s1.divide(n, MC);
    BigDecimal e2 = s2.divide(n, MC);
    BigDecimal e3 = s3.divide(n, MC);
    BigDecimal e4 = s4.divide(n, MC);
    BigDecimal mean2 = mean.multiply(mean, MC);
    BigDecimal m2 = e2.subtract(mean2, MC);
    BigDecimal m3 =
        e3.subtract(BigDecimal.valueOf(3).multiply(mean, MC).multiply(e2, MC), MC)
            .add(BigDecimal.valueOf(2).multiply(mean2, MC).multiply(mean, MC), MC);
    BigDecimal m4 =
        e4.subtract(BigDecimal.valueOf(4).multiply(mean, MC).multiply(e3, MC), MC)
            .add(BigDecimal.valueOf(6).multiply(mean2, MC).multiply(e2, MC), MC)
            .subtract(BigDecimal.valueOf(3).multiply(mean2, MC).multiply(mean2, MC), MC);
    double variance = Math.max(0, m2.doubleValue());
    if (variance == 0) {
      return new Moments(mean.doubleValue(), 0, Double.NaN, Double.NaN);
    }
    double skewness = m3.doubleValue() / Math.pow(variance, 1.5);
    double kurtosis = m4.doubleValue() / (variance * variance) - 3;
    return new Moments(mean.doubleValue(), variance, skewness, kurtosis);
  }
}
