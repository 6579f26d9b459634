package org.neuronexplainer.common.messaging;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The pipeline's stages, in pipeline order; each has one job topic and one consumer group. */
public enum Stage {
  CAPTURE,
  COLLATE,
  EXPLAIN,
  SIMULATE,
  SCORE,
  WEIGHTS;

  /** The lower-case name used in topic names, group ids, JSON and {@code WORKER_STAGES}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #id()}; the error names the accepted values. */
  public static Stage fromId(String id) {
    for (Stage stage : values()) {
      if (stage.id().equals(id)) {
        return stage;
      }
    }
    throw new IllegalArgumentException(
        "unknown stage '"
            + id
            + "' (expected one of capture, collate, explain, simulate, score,"
            + " weights)");
  }
}
