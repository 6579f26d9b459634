package org.neuronexplainer.coordinator.runs;

/** A run id the coordinator has no record of. */
public class RunNotFoundException extends RuntimeException {
  public RunNotFoundException(String runId) {
    super("no run " + runId);
  }
}
