package org.neuronexplainer.coordinator.runs;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.progress.RunProgress;

/**
 * The coordinator's side of the runs' budgets: what a run has spent, from the cost its neurons'
 * events report (never less than its status recorded, so a replay that lost events does not lower
 * it), and whether it must pause. It must once the spend reaches the budget, or once a worker
 * recorded that it refused a call ({@link RunRecords#budgetReachedKey}: the spend and the price of
 * the calls in flight there would have passed it). The marker is read at most once a second per
 * run.
 */
final class RunBudgetWatch {

  private static final long MARKER_READ_MILLIS = 1_000;

  private final RunRecords records;
  private final ProgressBoard board;
  private final LongSupplier clock;
  private final Map<String, Long> markerReadAt = new ConcurrentHashMap<>();

  RunBudgetWatch(RunRecords records, ProgressBoard board, LongSupplier clock) {
    this.records = records;
    this.board = board;
    this.clock = clock;
  }

  /** What the run has spent, as far as the coordinator knows. */
  double spent(String runId, RunStatus status) {
    double counted = board.read(runId, RunProgress::costUsd).orElse(0.0);
    return Math.max(counted, status.spentUsd() == null ? 0 : status.spentUsd());
  }

  /** Why the run must pause now, or null while it may go on. */
  String reason(String runId, RunStatus status, double spent) {
    double budget = status.budgetUsd();
    if (spent >= budget) {
      return String.format(Locale.ROOT, "budget of $%.4f reached: $%.4f spent", budget, spent);
    }
    long now = clock.getAsLong();
    Long last = markerReadAt.get(runId);
    if (last != null && now - last < MARKER_READ_MILLIS) {
      return null;
    }
    markerReadAt.put(runId, now);
    Optional<RunRecords.BudgetReached> refused = records.budgetReached(runId);
    if (refused.isEmpty() || refused.get().atMillis() < status.resumedMillis()) {
      return null;
    }
    RunRecords.BudgetReached r = refused.get();
    return String.format(
        Locale.ROOT,
        "budget of $%.4f reached: $%.4f spent, $%.4f in flight, a call of $%.4f refused",
        budget,
        Math.max(spent, r.spentUsd()),
        r.reservedUsd(),
        r.callUsd());
  }
}
