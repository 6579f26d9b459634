package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;

/** Helpers for the float arrays held by the dataset records. */
final class Floats {
  private Floats() {}

  static double[] copy(double[] values) {
    return values == null ? null : values.clone();
  }

  static List<double[]> copyAll(List<double[]> lists) {
    return lists.stream().map(double[]::clone).toList();
  }

  /** Equality as the files see it: NaN equals NaN, since both are written as null. */
  static boolean same(double[] a, double[] b) {
    return Arrays.equals(a, b);
  }

  static boolean sameAll(List<double[]> a, List<double[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static int hashAll(List<double[]> lists) {
    int hash = 1;
    for (double[] values : lists) {
      hash = 31 * hash + Arrays.hashCode(values);
    }
    return hash;
  }

  static boolean same(double a, double b) {
    return Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b));
  }
}
