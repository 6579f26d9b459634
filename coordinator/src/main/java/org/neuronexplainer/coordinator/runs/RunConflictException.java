package org.neuronexplainer.coordinator.runs;

/** A request that contradicts a run's state: a second run with the same id, a finished cancel. */
public class RunConflictException extends RuntimeException {
  public RunConflictException(String message) {
    super(message);
  }
}
