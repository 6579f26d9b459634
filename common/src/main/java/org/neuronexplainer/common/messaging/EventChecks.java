package org.neuronexplainer.common.messaging;

import java.util.Objects;

/** The checks every event record makes on its common fields. */
final class EventChecks {

  private EventChecks() {}

  static void check(int schemaVersion, String runId, Stage stage, String unit, int attempt) {
    Messages.checkVersion(schemaVersion);
    Messages.requireText(runId, "runId");
    Objects.requireNonNull(stage, "stage");
    Messages.requireText(unit, "unit");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
  }
}
