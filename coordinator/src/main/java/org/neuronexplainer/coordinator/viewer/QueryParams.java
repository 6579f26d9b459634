package org.neuronexplainer.coordinator.viewer;

import io.vertx.ext.web.RoutingContext;

/**
 * The viewer API's numeric query parameters: absent or blank gives the fallback, anything else must
 * parse, or the request fails with a message naming the parameter (answered 400).
 */
final class QueryParams {

  private QueryParams() {}

  static int intParam(RoutingContext ctx, String name, int fallback) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got " + value);
    }
  }

  /** A finite or infinite number; NaN is refused, as no bound can be NaN. */
  static double doubleParam(RoutingContext ctx, String name, double fallback) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.strip());
      if (Double.isNaN(parsed)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + value);
    }
  }
}
