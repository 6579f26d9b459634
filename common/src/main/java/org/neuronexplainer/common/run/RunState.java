package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a run stands, as docs/metrics.md names the states. {@code interrupted} is a run whose
 * {@code run} process was stopped (Ctrl-C) before it finished: like a cancelled one, nothing of it
 * is done again unless a user asks ({@code run --resume}, {@code resume}, {@code requeue}). {@code
 * paused} is a run stopped by its budget ({@link RunStatus#reason()} says so): no new LLM call is
 * made for it, and a resume with a higher budget takes it up.
 */
public enum RunState {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  INTERRUPTED,
  PAUSED;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this != RUNNING;
  }
}
