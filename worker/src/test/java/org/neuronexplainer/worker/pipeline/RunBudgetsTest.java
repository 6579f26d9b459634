package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.llm.UsageAccumulator;
import org.neuronexplainer.worker.llm.UsageTotals;

class RunBudgetsTest {

  private final RunRecords records = new RunRecords(new InMemoryBlobStore());
  private final long[] now = {1_000};
  private final RunSpecs specs = new RunSpecs(records, () -> now[0]);
  private final RunBudgets budgets = new RunBudgets(records, specs, () -> now[0]);

  private void status(double budget, double spent, long resumedMillis) {
    RunStatus submitted = RunStatus.submitted("r", 4, 0, budget);
    RunStatus status = resumedMillis == 0 ? submitted : submitted.resumed(resumedMillis, budget);
    records.putStatus(status.withSpent(spent));
  }

  private static UsageTotals cost(double usd) {
    return new UsageTotals(1, 0, 0, 1, 10, 10, 0, usd, 0);
  }

  @Test
  void aRunWithoutABudgetHasNoGate() {
    records.putStatus(RunStatus.submitted("r", 4, 0, null));
    assertThat(budgets.open("r")).isNull();
  }

  @Test
  void aCallIsSentOnlyWhileSpentInFlightAndItsPriceFitTheBudget() {
    status(1.0, 0.5, 0);
    RunBudgets.Job job = budgets.open("r");

    job.reserve(0.3);
    assertThatThrownBy(() -> job.reserve(0.3))
        .isInstanceOf(BudgetReachedException.class)
        .hasMessageContaining("budget of $1.0000 reached ($0.5000 spent, $0.3000 in flight");
    assertThat(records.budgetReached("r"))
        .get()
        .extracting(RunRecords.BudgetReached::callUsd)
        .isEqualTo(0.3);

    job.release(0.3);
    job.reserve(0.3);
  }

  @Test
  void aJobsSpendCountsUntilTheCoordinatorsCountShowsIt() {
    status(1.0, 0.0, 0);
    RunBudgets.Job job = budgets.open("r");
    UsageAccumulator account = new UsageAccumulator();
    job.track(account);
    account.add(cost(0.7));
    assertThatThrownBy(() -> job.reserve(0.4)).isInstanceOf(BudgetReachedException.class);

    job.close(); // its event is out, not counted yet: still spent
    RunBudgets.Job next = budgets.open("r");
    assertThatThrownBy(() -> next.reserve(0.4)).isInstanceOf(BudgetReachedException.class);

    status(1.0, 0.7, 0); // counted now: once, not twice
    now[0] += 2_000;
    next.reserve(0.3);
  }

  @Test
  void aResumesHigherBudgetAdmitsAtOnceAndAPausedRunAdmitsNothing() {
    status(1.0, 0.9, 0);
    RunBudgets.Job job = budgets.open("r");
    job.reserve(0.05); // the status is now cached

    status(5.0, 0.9, 2_000); // resumed with a higher budget, within the cache's second
    job.reserve(1.0);

    records.putStatus(records.status("r").orElseThrow().paused(3_000, 2, 0.9, "budget"));
    now[0] += 2_000;
    assertThatThrownBy(() -> job.reserve(0.01))
        .isInstanceOf(BudgetReachedException.class)
        .hasMessageContaining("paused");
  }
}
