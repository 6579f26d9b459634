package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing and concurrency of a {@link StageRunner}.
 *
 * @param idlePoll how long a poll waits when there is no work
 * @param busyPoll how long a poll waits while jobs run; a finishing job wakes the poll early, so
 *     this only bounds how often the consumer proves liveness (keep it well under {@code
 *     max.poll.interval.ms})
 * @param maxHold the longest a not-yet-due retry is held before it is sent to the back of its topic
 *     instead, so a long delay does not block its key
 * @param firstRetryDelay the delay before attempt 2; doubled for each further attempt
 * @param maxRetryDelay the cap on that delay
 * @param sendTimeout how long a stopping runner waits for the broker to acknowledge what its
 *     finished jobs published before it commits them
 * @param shutdownGrace how long a stopping runner lets running jobs finish before handing them back
 * @param maxInFlight how many records one runner works on at once (running or held until due); one
 *     key's records never overlap
 * @param commitInterval how often at most a runner commits the offsets its finished jobs allow
 */
public record RunnerSettings(
    Duration idlePoll,
    Duration busyPoll,
    Duration maxHold,
    Duration firstRetryDelay,
    Duration maxRetryDelay,
    Duration sendTimeout,
    Duration shutdownGrace,
    int maxInFlight,
    Duration commitInterval) {

  public static final RunnerSettings DEFAULTS =
      new RunnerSettings(
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          1,
          Duration.ofMillis(100));

  public RunnerSettings {
    Objects.requireNonNull(idlePoll, "idlePoll");
    Objects.requireNonNull(busyPoll, "busyPoll");
    Objects.requireNonNull(maxHold, "maxHold");
    Objects.requireNonNull(firstRetryDelay, "firstRetryDelay");
    Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
    Objects.requireNonNull(sendTimeout, "sendTimeout");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(commitInterval, "commitInterval");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
  }

  /** The delay before {@code nextAttempt}: exponential from {@link #firstRetryDelay}, capped. */
  public Duration retryDelay(int nextAttempt) {
    int doublings = Math.min(Math.max(nextAttempt - 2, 0), 30);
    Duration delay = firstRetryDelay.multipliedBy(1L << doublings);
    return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
  }

  public RunnerSettings withRetryDelays(Duration first, Duration max) {
    return new RunnerSettings(
        idlePoll,
        busyPoll,
        maxHold,
        first,
        max,
        sendTimeout,
        shutdownGrace,
        maxInFlight,
        commitInterval);
  }

  public RunnerSettings withMaxHold(Duration hold) {
    return new RunnerSettings(
        idlePoll,
        busyPoll,
        hold,
        firstRetryDelay,
        maxRetryDelay,
        sendTimeout,
        shutdownGrace,
        maxInFlight,
        commitInterval);
  }

  public RunnerSettings withBusyPoll(Duration poll) {
    return new RunnerSettings(
        idlePoll,
        poll,
        maxHold,
        firstRetryDelay,
        maxRetryDelay,
        sendTimeout,
        shutdownGrace,
        maxInFlight,
        commitInterval);
  }

  public RunnerSettings withShutdownGrace(Duration grace) {
    return new RunnerSettings(
        idlePoll,
        busyPoll,
        maxHold,
        firstRetryDelay,
        maxRetryDelay,
        sendTimeout,
        grace,
        maxInFlight,
        commitInterval);
  }

  public RunnerSettings withMaxInFlight(int jobs) {
    return new RunnerSettings(
        idlePoll,
        busyPoll,
        maxHold,
        firstRetryDelay,
        maxRetryDelay,
        sendTimeout,
        shutdownGrace,
        jobs,
        commitInterval);
  }
}
