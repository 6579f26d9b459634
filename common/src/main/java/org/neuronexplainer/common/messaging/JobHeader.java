package org.neuronexplainer.common.messaging;

/**
 * What every job carries for delivery: the run it belongs to and where it stands in its retries.
 *
 * @param runId the run; with the stage and unit it names the job's output
 * @param attempt 1 for the first try, raised by one on each retry
 * @param maxAttempts the run's attempt budget: after this attempt fails the unit is {@code failed}
 * @param notBeforeMillis epoch milliseconds before which the job must not run (0: now); how a retry
 *     is delayed without a timer service
 */
public record JobHeader(String runId, int attempt, int maxAttempts, long notBeforeMillis) {

  public JobHeader {
    Messages.requireText(runId, "runId");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
  }

  /** A first attempt, to run now. */
  public static JobHeader first(String runId, int maxAttempts) {
    return new JobHeader(runId, 1, maxAttempts, 0);
  }

  /** The header of the next attempt, not to run before the given time. */
  public JobHeader retry(long notBeforeMillis) {
    return new JobHeader(runId, attempt + 1, maxAttempts, notBeforeMillis);
  }

  /** True when a failure of this attempt leaves no attempt in the budget. */
  public boolean lastAttempt() {
    return attempt >= maxAttempts;
  }
}
