package org.neuronexplainer.common.ops;

/**
 * One thing {@code /readyz} asks: a Kafka connection, the store, a stage runner. It may block
 * briefly; the server calls it off the event loop.
 */
@FunctionalInterface
public interface ReadinessCheck {

  /** Null when ready; otherwise why not, for the response body. */
  String problem();
}
