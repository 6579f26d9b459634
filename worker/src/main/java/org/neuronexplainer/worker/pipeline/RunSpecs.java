package org.neuronexplainer.worker.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.messaging.DroppedJobException;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;

/**
 * A worker's view of the runs: specs read once (they never change) and the states of running runs
 * re-read at most once a second, so a cancel reaches the workers within about a second without a
 * store read per job. A stopped run's state is read for each of its jobs, so a resumed run's jobs
 * are never dropped by a stale state.
 */
final class RunSpecs {

  private static final long STATE_TTL_MILLIS = 1_000;

  /** A run's status as last read; null when the store holds none. */
  private record CachedState(RunStatus status, long readAt) {
    RunState state() {
      return status == null ? RunState.RUNNING : status.state();
    }
  }

  private final RunRecords records;
  private final LongSupplier clock;
  private final Map<String, RunSpec> specs = new ConcurrentHashMap<>();
  private final Map<String, CachedState> states = new ConcurrentHashMap<>();

  RunSpecs(RunRecords records, LongSupplier clock) {
    this.records = records;
    this.clock = clock;
  }

  RunSpec spec(String runId) {
    RunSpec spec = specs.get(runId);
    if (spec == null) {
      spec =
          records
              .spec(runId)
              // The coordinator writes the spec before it publishes a job, so a job without one
              // belongs to a run this worker's store does not hold: not ours to fail.
              .orElseThrow(
                  () ->
                      new DroppedJobException(
                          "no spec for run " + runId + " in this worker's store"));
      specs.put(runId, spec);
    }
    return spec;
  }

  /**
   * Throws a permanent failure when the run was cancelled, and drops the job when it was
   * interrupted or paused (its neuron stays without a result, for a resume).
   */
  void requireActive(String runId) {
    CachedState cached = cached(runId);
    if (cached.state() == RunState.CANCELLED) {
      throw new PermanentException("run " + runId + " was cancelled");
    }
    if (cached.state() == RunState.INTERRUPTED) {
      throw new DroppedJobException("run " + runId + " was interrupted");
    }
    if (cached.state() == RunState.PAUSED) {
      throw new BudgetReachedException(
          "run "
              + runId
              + " is paused"
              + (cached.status().reason() == null ? "" : ": " + cached.status().reason()));
    }
  }

  /** The run's status, read at most once a second while it runs; null when the store has none. */
  RunStatus status(String runId) {
    return cached(runId).status();
  }

  /** The run's status read now from the store; null when it has none. */
  RunStatus freshStatus(String runId) {
    CachedState cached = new CachedState(records.status(runId).orElse(null), clock.getAsLong());
    states.put(runId, cached);
    return cached.status();
  }

  private CachedState cached(String runId) {
    long now = clock.getAsLong();
    CachedState cached = states.get(runId);
    // A stopped run is read again before a job of it is dropped or failed: a resume marks it
    // running before it publishes, so a job published since must not meet a stale state.
    if (cached == null
        || now - cached.readAt() > STATE_TTL_MILLIS
        || cached.state() != RunState.RUNNING) {
      cached = new CachedState(records.status(runId).orElse(null), now);
      states.put(runId, cached);
    }
    return cached;
  }
}
