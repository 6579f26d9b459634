package org.neuronexplainer.coordinator.runs;

/**
 * A run was recorded but the broker did not take its jobs in time: it stays {@code running} with
 * its neurons pending, and the coordinator publishes its jobs once the broker is back.
 */
public class PublishPendingException extends RuntimeException {
  public PublishPendingException(String runId, String reason, Throwable cause) {
    super(
        "run "
            + runId
            + " was recorded, but its jobs are not published yet ("
            + reason
            + "); the coordinator publishes them when the broker is back",
        cause);
  }
}
