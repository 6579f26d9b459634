package org.neuronexplainer.common.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the jobs a runner dropped per run and says when a drop is worth a log line: the first of a
 * run, then at most one a minute, so that an interrupted run of thousands of neurons or a stray
 * batch of jobs is told without a line per job. Used on the runner's consumer thread only.
 */
final class DroppedJobs {

  static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

  private record Seen(long count, long loggedAt) {}

  private final Map<String, Seen> runs = new HashMap<>();

  /**
   * Counts one dropped job of {@code runId}.
   *
   * @return the jobs of the run dropped so far when this one is to be logged, else 0
   */
  long drop(String runId, long nowNanos) {
    Seen seen = runs.get(runId);
    if (seen == null) {
      runs.put(runId, new Seen(1, nowNanos));
      return 1;
    }
    long count = seen.count() + 1;
    boolean log = nowNanos - seen.loggedAt() >= LOG_INTERVAL_NANOS;
    runs.put(runId, new Seen(count, log ? nowNanos : seen.loggedAt()));
    return log ? count : 0;
  }
}
