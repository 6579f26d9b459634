package org.neuronexplainer.common.ops;

import java.util.Map;

/** Checked reading of numeric environment variables; errors name the variable. */
public final class Env {

  private Env() {}

  public static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new IllegalArgumentException(
        name + ": '" + v + "' is not a whole number in " + min + ".." + max);
  }
}
