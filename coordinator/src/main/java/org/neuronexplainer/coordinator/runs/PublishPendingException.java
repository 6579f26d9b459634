package org.neuronexplainer.coordinator.runs;

/**
 * A run was recorded, or its neurons re-queued, but the broker did not take the jobs in time: the
 * run stays {@code running} with those neurons pending, and the coordinator publishes the jobs once
 * the broker is back.
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

  private PublishPendingException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Re-queued neurons were marked pending but the broker did not take their jobs in time: the
   * coordinator publishes them once the broker is back.
   */
  public static PublishPendingException requeued(
      String runId, int neurons, String reason, Throwable cause) {
    return new PublishPendingException(
        "run "
            + runId
            + ": "
            + neurons
            + (neurons == 1 ? " neuron was" : " neurons were")
            + " re-queued, but their jobs are not published yet ("
            + reason
            + "); the coordinator publishes them when the broker is back",
        cause);
  }

  /** For a resume whose jobs the broker did not take in time. */
  public static PublishPendingException resumed(
      String runId, int jobs, String reason, Throwable cause) {
    return new PublishPendingException(
        "run "
            + runId
            + " was resumed, but its "
            + jobs
            + (jobs == 1 ? " job is" : " jobs are")
            + " not published yet ("
            + reason
            + "); the coordinator publishes them when the broker is back",
        cause);
  }
}
