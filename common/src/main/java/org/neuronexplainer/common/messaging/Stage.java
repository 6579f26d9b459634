package org.neuronexplainer.common.messaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The pipeline's stages, in pipeline order; each has one job topic and one consumer group. */
public enum Stage {
  CAPTURE,
  COLLATE,
  /** Explain, simulate and score one neuron: one job, so one stage. */
  EXPLAIN_AND_SCORE,
  WEIGHTS;

  /** Ids of stages that became part of {@link #EXPLAIN_AND_SCORE}. */
  private static final Set<String> MERGED = Set.of("explain", "simulate", "score");

  /**
   * The lower-case name, words joined by '-', used in topic names, group ids, JSON, metric tags and
   * {@code WORKER_STAGES}.
   */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses {@link #id()}. The error names the accepted values, and for the ids of the stages that
   * became {@code explain-and-score} (as an older version wrote them) says so.
   */
  @JsonCreator
  public static Stage fromId(String id) {
    for (Stage stage : values()) {
      if (stage.id().equals(id)) {
        return stage;
      }
    }
    if (MERGED.contains(id)) {
      throw new IllegalArgumentException(
          "'"
              + id
              + "' is no longer a stage: explain, simulate and score run as one job per neuron,"
              + " the stage '"
              + EXPLAIN_AND_SCORE.id()
              + "'; name that instead");
    }
    throw new IllegalArgumentException(
        "unknown stage '" + id + "' (expected one of " + ids() + ")");
  }

  private static String ids() {
    return Arrays.stream(values()).map(Stage::id).collect(Collectors.joining(", "));
  }
}
