package org.neuronexplainer.worker.simulate.calibration;

import java.util.Arrays;

/**
 * Percentile matching (docs/method.md 4.5): an EV at a given rank among the calibration EVs maps to
 * the true activation at the same rank among the calibration activations. The map is evaluated the
 * way numpy's {@code interp} evaluates it on its knots: clamped to the first knot's value below the
 * first knot and to the last knot's value above the last; at a knot's EV, the value of the last
 * knot with that EV; between two distinct EVs, linear between the last knot of the lower and the
 * first knot of the higher.
 *
 * <p>Two fits share that map and differ in their knots:
 *
 * <ul>
 *   <li>{@link #fit} is the original's: the knots are the sorted EVs paired with the sorted true
 *       activations, one knot per token, ties included. With many tied EVs (an integer-valued
 *       simulation is mostly zeros) the map jumps at each tied EV: just below it, it gives the true
 *       activation at the ties' first rank; at it, the one at their last rank. It pairs ranks, so
 *       it needs as many EVs as true activations.
 *   <li>{@link #fitMidrank} has one knot per distinct EV, at the mean rank of its ties (its
 *       midrank), read off the sorted true activations by quantile with linear interpolation. It is
 *       continuous and accepts lists of different lengths; with equal lengths and no ties its knots
 *       are the original's.
 * </ul>
 *
 * @param simulatedKnots EVs, non-decreasing
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
      if (!(simulatedKnots[i] >= simulatedKnots[i - 1])) {
        throw new IllegalArgumentException("EV knots must be non-decreasing at index " + i);
      }
    }
  }

  /**
   * The original's fit ({@code percentile}): the i-th smallest EV maps to the i-th smallest true
   * activation, both the concatenation of every calibration sequence. Fails if their lengths differ
   * (the original fails there too); {@link #fitMidrank} matches by quantile instead.
   */
  public static PercentileCalibration fit(double[] trueActivations, double[] expectedActivations) {
    Fits.requireFittable(trueActivations, expectedActivations);
    if (trueActivations.length != expectedActivations.length) {
      throw new IllegalArgumentException(
          "percentile calibration pairs the i-th smallest EV with the i-th smallest true"
              + " activation, so it needs one EV per true activation; got "
              + expectedActivations.length
              + " EVs and "
              + trueActivations.length
              + " true activations (percentile-midrank matches by quantile instead)");
    }
    double[] sortedTrue = trueActivations.clone();
    double[] sortedEv = expectedActivations.clone();
    Arrays.sort(sortedTrue);
    Arrays.sort(sortedEv);
    return new PercentileCalibration(sortedEv, sortedTrue);
  }

  /**
   * The midrank fit ({@code percentile-midrank}): one knot per distinct EV, at the quantile of its
   * midrank, mapped to the true activation at the same quantile. The lists may differ in length.
   */
  public static PercentileCalibration fitMidrank(
      double[] trueActivations, double[] expectedActivations) {
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
    if (simulated < simulatedKnots[0]) {
      return trueKnots[0];
    }
    if (simulated > simulatedKnots[last]) {
      return trueKnots[last];
    }
    int j = lastKnotAtOrBelow(simulated);
    if (j == last || simulatedKnots[j] == simulated) {
      return trueKnots[j];
    }
    // numpy's arithmetic, so that results agree with the original's to the last bit where they can.
    double slope = (trueKnots[j + 1] - trueKnots[j]) / (simulatedKnots[j + 1] - simulatedKnots[j]);
    return slope * (simulated - simulatedKnots[j]) + trueKnots[j];
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

  /** The index of the last knot whose EV is at most {@code value}; the first is at most it. */
  private int lastKnotAtOrBelow(double value) {
    int low = 0;
    int high = simulatedKnots.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (value >= simulatedKnots[middle]) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low - 1;
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
