package org.neuronexplainer.coordinator.progress;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.neuronexplainer.common.messaging.Stage;

/** A neuron's state in a run, as docs/metrics.md names them. */
public enum NeuronState {
  PENDING,
  CAPTURING,
  COLLATING,
  /** The explain-and-score job works on it: explain, simulate, score. */
  EXPLAINING,
  DONE,
  FAILED,
  /**
   * Settled without a result, by design: an SAE latent never active over the corpus (dead), which
   * has nothing to explain. Neither done nor failed.
   */
  SKIPPED;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static NeuronState fromId(String id) {
    for (NeuronState s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown state '"
            + id
            + "' (pending, capturing, collating, explaining, done, failed, skipped)");
  }

  /** The state while a stage works on the neuron. */
  static NeuronState working(Stage stage) {
    return switch (stage) {
      case CAPTURE -> CAPTURING;
      case COLLATE -> COLLATING;
      case EXPLAIN_AND_SCORE -> EXPLAINING;
      case WEIGHTS -> PENDING;
    };
  }
}
