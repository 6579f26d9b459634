package org.neuronexplainer.worker.pipeline;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.worker.llm.CallBudget;
import org.neuronexplainer.worker.llm.UsageAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the runs' budgets. Per run, a ledger of what this process knows: the spend the
 * coordinator counted (its status, read at most once a second), the spend of this process's jobs of
 * the run that have not ended (their events are not out yet), and the price reserved by its calls
 * in flight. A call is sent only when those three and its own estimated price stay within the
 * budget; otherwise it is refused, the job is dropped ({@link BudgetReachedException}: its neuron
 * stays pending), and a marker ({@link RunRecords#budgetReachedKey}) asks the coordinator to pause
 * the run. The budget and the counted spend come from the run's status, since a resume may raise
 * the budget.
 *
 * <p>What this process cannot see: other workers' calls in flight, their jobs not yet ended and
 * those they ended that the coordinator has not counted yet. A run can overshoot its budget by that
 * much, never by more; with one worker, not at all (as long as the provider bills no more than a
 * call's prompt and its {@code max_tokens}).
 */
final class RunBudgets {

  private static final Logger LOG = LoggerFactory.getLogger(RunBudgets.class);

  private final RunRecords records;
  private final RunSpecs specs;
  private final LongSupplier clock;
  private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

  RunBudgets(RunRecords records, RunSpecs specs, LongSupplier clock) {
    this.records = records;
    this.specs = specs;
    this.clock = clock;
  }

  /** The budget of one job of {@code runId}, to close when the job ends; null when it has none. */
  Job open(String runId) {
    RunStatus status = specs.status(runId);
    if (status == null || status.budgetUsd() == null) {
      return null;
    }
    return new Job(runId, ledgers.computeIfAbsent(runId, id -> new Ledger()));
  }

  /** One run's reservations and jobs in this process. */
  private static final class Ledger {
    private final Set<UsageAccumulator> live = ConcurrentHashMap.newKeySet();

    /** What ended jobs spent, oldest first, until the coordinator's count shows it. */
    private final ArrayDeque<Double> ended = new ArrayDeque<>();

    /** The coordinator's count when the oldest entry of {@code ended} was added. */
    private double endedBaseline;

    private double reserved;

    /** The resume (its time; 0 for none) after which this process reported the budget reached. */
    private long reportedFor = -1;

    /**
     * What this process's jobs spent that {@code counted}, the coordinator's count, does not hold
     * yet: the live jobs', and the ended jobs' until the count has grown by their spend (their
     * events take a moment to be counted).
     */
    synchronized double uncounted(double counted) {
      double increase = counted - endedBaseline;
      while (!ended.isEmpty() && increase >= ended.peekFirst() - 1e-12) {
        double cost = ended.removeFirst();
        increase -= cost;
        endedBaseline += cost;
      }
      double spent = 0;
      for (double cost : ended) {
        spent += cost;
      }
      for (UsageAccumulator account : live) {
        spent += account.snapshot().costUsd();
      }
      return spent;
    }

    synchronized void ended(UsageAccumulator account, double counted) {
      if (live.remove(account)) {
        double cost = account.snapshot().costUsd();
        if (ended.isEmpty()) {
          endedBaseline = counted;
        }
        if (cost > 0) {
          ended.addLast(cost);
        }
      }
    }
  }

  /** A job's gate: reserves its calls in the run's ledger; closed when the job ends. */
  final class Job implements CallBudget, AutoCloseable {
    private final String runId;
    private final Ledger ledger;
    private UsageAccumulator account;

    private Job(String runId, Ledger ledger) {
      this.runId = runId;
      this.ledger = ledger;
    }

    @Override
    public boolean limited() {
      return true;
    }

    @Override
    public void track(UsageAccumulator account) {
      this.account = account;
      ledger.live.add(account);
    }

    @Override
    public void reserve(double usd) {
      // The status read at most once a second admits most calls; a refusal is decided on a fresh
      // read, so that a resume's new budget is never refused on the old one.
      if (admit(specs.status(runId), usd, false) || admit(specs.freshStatus(runId), usd, true)) {
        return;
      }
      throw new IllegalStateException("unreachable: a refusal throws");
    }

    /** Reserves {@code usd} and returns true when the call fits; else false, or throws if final. */
    private boolean admit(RunStatus status, double usd, boolean decide) {
      if (status == null || status.budgetUsd() == null) {
        return true; // the budget was lifted
      }
      specs.requireActive(runId);
      double budget = status.budgetUsd();
      double counted = status.spentUsd() == null ? 0 : status.spentUsd();
      double spent;
      double reserved;
      boolean report;
      synchronized (ledger) {
        spent = counted + ledger.uncounted(counted);
        reserved = ledger.reserved;
        if (spent + reserved + usd <= budget) {
          ledger.reserved += usd;
          return true;
        }
        if (!decide) {
          return false;
        }
        report = ledger.reportedFor != status.resumedMillis();
        ledger.reportedFor = status.resumedMillis();
      }
      if (report) {
        records.putBudgetReached(
            new RunRecords.BudgetReached(runId, budget, spent, reserved, usd, clock.getAsLong()));
        LOG.info(
            "run {}: budget ${} reached (${} spent, ${} in flight, a call of ${} refused);"
                + " asked the coordinator to pause it",
            runId,
            dollars(budget),
            dollars(spent),
            dollars(reserved),
            dollars(usd));
      }
      throw new BudgetReachedException(
          String.format(
              Locale.ROOT,
              "run %s: budget of $%.4f reached ($%.4f spent, $%.4f in flight, this call $%.4f)",
              runId,
              budget,
              spent,
              reserved,
              usd));
    }

    @Override
    public void release(double usd) {
      synchronized (ledger) {
        ledger.reserved = Math.max(0, ledger.reserved - usd);
      }
    }

    /**
     * The job ended: its spend goes into its event, and stays in the ledger until the coordinator's
     * count shows it.
     */
    @Override
    public void close() {
      if (account != null) {
        RunStatus status = specs.freshStatus(runId);
        ledger.ended(account, status == null || status.spentUsd() == null ? 0 : status.spentUsd());
      }
    }
  }

  private static String dollars(double usd) {
    return String.format(Locale.ROOT, "%.4f", usd);
  }
}
