package org.neuronexplainer.worker.llm;

/**
 * A thread-safe running total of {@link UsageTotals}. Accumulators form a tree: what is added to a
 * {@link #child()} is added to its parent too, so one per neuron under one per run sums both levels
 * with a single {@code add}.
 */
public final class UsageAccumulator {

  private final UsageAccumulator parent;
  private UsageTotals totals = UsageTotals.ZERO;

  public UsageAccumulator() {
    this(null);
  }

  private UsageAccumulator(UsageAccumulator parent) {
    this.parent = parent;
  }

  /** A new accumulator whose additions also count here (e.g. a neuron's, under the run's). */
  public UsageAccumulator child() {
    return new UsageAccumulator(this);
  }

  public void add(UsageTotals delta) {
    synchronized (this) {
      totals = totals.plus(delta);
    }
    if (parent != null) {
      parent.add(delta);
    }
  }

  public void add(LlmResponse response) {
    add(UsageTotals.of(response));
  }

  /** Whether this is {@code other} or one of its descendants, so that adds reach it already. */
  public boolean rollsUpTo(UsageAccumulator other) {
    for (UsageAccumulator a = this; a != null; a = a.parent) {
      if (a == other) {
        return true;
      }
    }
    return false;
  }

  public synchronized UsageTotals snapshot() {
    return totals;
  }
}
