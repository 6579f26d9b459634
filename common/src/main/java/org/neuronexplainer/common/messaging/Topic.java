package org.neuronexplainer.common.messaging;

import java.util.Objects;

/**
 * A topic and the one payload type written to it. Only {@link Topics} makes these, so topic names
 * are spelled in one place.
 *
 * @param name the full topic name, prefix included
 * @param payloadType the record type of every value on the topic
 * @param compacted true for a log-compacted topic (newest value per key kept), false for a
 *     time-retained one
 */
public record Topic<T>(String name, Class<T> payloadType, boolean compacted) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(payloadType, "payloadType");
  }

  @Override
  public String toString() {
    return name;
  }
}
