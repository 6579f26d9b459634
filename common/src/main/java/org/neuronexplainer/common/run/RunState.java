package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a run stands, as docs/metrics.md names the states. */
public enum RunState {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this != RUNNING;
  }
}
