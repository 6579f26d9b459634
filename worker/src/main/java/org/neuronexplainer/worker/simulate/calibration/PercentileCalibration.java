package org.neuronexplainer.worker.simulate.calibration;

import java.util.Arrays;

/**
 * Percentile matching (docs/method.md 4.5): an EV at quantile q of the calibration EVs maps to the
 * true activation at quantile q of the calibration activations. Between knots the map is linear;
 * outside the knots it is clamped to the first or last knot's value.
 *
 * <p>The original sorts both arrays and interpolates one onto the other, which needs equal lengths
 * and leaves tied EVs ambiguous. Here each distinct EV is one knot at the mean quantile of its ties
 * (its midrank), and the true activation at that quantile is read off the sorted true values by
 * linear interpolation, so the arrays may differ in length. With equal lengths and no ties the
 * knots are exactly (sorted EV i, sorted true i), as in the original.
 *
 * @param simulatedKnots distinct EVs, strictly increasing
 * @param trueKnots the true activation each EV knot maps to, non-decreasing
 */
public record PercentileCalibration(double[] simulatedKnots, double[] trueKnots)
    implements Calibration {

  public PercentileCalibration {
    simulatedKnots = simulatedKnots.clone();
    trueKnots = trueKnots.clone();
    if (simulatedKnots.length == 0 || simulatedKnots.length != trueKnots.length) {
      throw new IllegalArgumentException(
          "percentile calibration needs as many true knots as EV knots, at least one; got "
              + simulatedKnots.length
              + " and "
              + trueKnots.length);
    }
    for (int i = 1; i < simulatedKnots.length; i++) {
      if (!(simulatedKnots[i] > simulatedKnots[i - 1])) {
        throw new IllegalArgumentException("EV knots must be strictly increasing at index " + i);
      }
    }
  }

  /** Fits the quantile map from the concatenated calibration activations and EVs. */
  public static PercentileCalibration fit(double[] trueActivations, double[] expectedActivations) {
    Fits.requireFittable(trueActivations, expectedActivations);
    double[] sortedTrue = trueActivations.clone();
    double[] sortedEv = expectedActivations.clone();
    Arrays.sort(sortedTrue);
    Arrays.sort(sortedEv);
    int m = sortedEv.length;
    double[] xs = new double[m];
    double[] ys = new double[m];
    int knots = 0;
    for (int first = 0; first < m; ) {
      int last = first;
      while (last + 1 < m && sortedEv[last + 1] == sortedEv[first]) {
        last++;
      }
      double midrank = (first + last) / 2.0;
      // Position in the sorted true values of the same quantile, midrank / (m - 1). Computed as
      // one product and one quotient so that equal lengths give exact integer positions.
      double position =
          m == 1 ? (sortedTrue.length - 1) / 2.0 : midrank * (sortedTrue.length - 1) / (m - 1);
      xs[knots] = sortedEv[first];
      ys[knots] = interpolateAt(sortedTrue, position);
      knots++;
      first = last + 1;
    }
    return new PercentileCalibration(Arrays.copyOf(xs, knots), Arrays.copyOf(ys, knots));
  }

  @Override
  public double map(double simulated) {
    if (Double.isNaN(simulated)) {
      return Double.NaN;
    }
    int last = simulatedKnots.length - 1;
    if (simulated <= simulatedKnots[0]) {
      return trueKnots[0];
    }
    if (simulated >= simulatedKnots[last]) {
      return trueKnots[last];
    }
    int found = Arrays.binarySearch(simulatedKnots, simulated);
    if (found >= 0) {
      return trueKnots[found];
    }
    int upper = -found - 1;
    int lower = upper - 1;
    double fraction =
        (simulated - simulatedKnots[lower]) / (simulatedKnots[upper] - simulatedKnots[lower]);
    return trueKnots[lower] + fraction * (trueKnots[upper] - trueKnots[lower]);
  }

  @Override
  public double[] simulatedKnots() {
    return simulatedKnots.clone();
  }

  @Override
  public double[] trueKnots() {
    return trueKnots.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PercentileCalibration other
        && Arrays.equals(simulatedKnots, other.simulatedKnots)
        && Arrays.equals(trueKnots, other.trueKnots);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(simulatedKnots) + Arrays.hashCode(trueKnots);
  }

  @Override
  public String toString() {
    return "PercentileCalibration"
        + Arrays.toString(simulatedKnots)
        + " -> "
        + Arrays.toString(trueKnots);
  }

  private static double interpolateAt(double[] sorted, double position) {
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double fraction = position - lower;
    return fraction == 0
        ? sorted[lower]
        : sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
  }
}
