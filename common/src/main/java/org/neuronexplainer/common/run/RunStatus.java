package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * The coordinator's record of a run, at {@code runs/{runId}/status.json}. Per-neuron progress is
 * not here: it is folded from the events topic.
 *
 * @param neuronCount how many neurons the plan holds
 * @param createdMillis when the run was submitted
 * @param finishedMillis when it reached a final state (for an interrupted or cancelled run, when it
 *     was stopped), or 0
 * @param resumedMillis when it was last resumed ({@code run --resume}, {@code resume}), or 0
 * @param left the planned neurons without a result when it was stopped (interrupted, cancelled or
 *     paused), else null
 * @param budgetUsd the run's budget in US dollars (its spec's, or the one its last resume gave), or
 *     null for none; workers read it here, since a resume may raise it
 * @param spentUsd what the coordinator has counted the run to have spent, from its neurons' events;
 *     kept for runs with a budget, else null
 * @param reason why the run is paused, e.g. {@code budget of $5.00 reached: $5.01 spent}, else null
 */
public record RunStatus(
    String runId,
    RunState state,
    int neuronCount,
    long createdMillis,
    long finishedMillis,
    long resumedMillis,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer left,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double budgetUsd,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double spentUsd,
    @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {

  public RunStatus {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
  }

  /** A run without a budget. */
  public RunStatus(
      String runId,
      RunState state,
      int neuronCount,
      long createdMillis,
      long finishedMillis,
      long resumedMillis,
      Integer left) {
    this(
        runId,
        state,
        neuronCount,
        createdMillis,
        finishedMillis,
        resumedMillis,
        left,
        null,
        null,
        null);
  }

  /** A run never resumed nor stopped. */
  public RunStatus(
      String runId, RunState state, int neuronCount, long createdMillis, long finishedMillis) {
    this(runId, state, neuronCount, createdMillis, finishedMillis, 0, null);
  }

  public RunStatus with(RunState newState, long atMillis) {
    return new RunStatus(
        runId,
        newState,
        neuronCount,
        createdMillis,
        newState.finished() ? atMillis : 0,
        resumedMillis,
        null,
        budgetUsd,
        spentUsd,
        null);
  }

  /**
   * Stopped (interrupted, cancelled or paused) at {@code atMillis} with {@code left} neurons to do;
   * a paused run keeps its reason.
   */
  public RunStatus stopped(RunState newState, long atMillis, int left) {
    return new RunStatus(
        runId,
        newState,
        neuronCount,
        createdMillis,
        atMillis,
        resumedMillis,
        left,
        budgetUsd,
        spentUsd,
        newState == RunState.PAUSED ? reason : null);
  }

  /** Paused at {@code atMillis} for {@code why}, with {@code spent} counted. */
  public RunStatus paused(long atMillis, int left, double spent, String why) {
    return new RunStatus(
        runId,
        RunState.PAUSED,
        neuronCount,
        createdMillis,
        atMillis,
        resumedMillis,
        left,
        budgetUsd,
        spent,
        why);
  }

  /** Running again from {@code atMillis}, as a resume makes it, with {@code budget} (or none). */
  public RunStatus resumed(long atMillis, Double budget) {
    return new RunStatus(
        runId,
        RunState.RUNNING,
        neuronCount,
        createdMillis,
        0,
        atMillis,
        null,
        budget,
        budget == null ? null : spentUsd,
        null);
  }

  /** Running again from {@code atMillis} with the budget it had. */
  public RunStatus resumed(long atMillis) {
    return resumed(atMillis, budgetUsd);
  }

  /** The same status with {@code spent} counted. */
  public RunStatus withSpent(double spent) {
    return new RunStatus(
        runId,
        state,
        neuronCount,
        createdMillis,
        finishedMillis,
        resumedMillis,
        left,
        budgetUsd,
        spent,
        reason);
  }

  /** A new run's status, with the budget of its spec (or none). */
  public static RunStatus submitted(
      String runId, int neuronCount, long createdMillis, Double budgetUsd) {
    return new RunStatus(
        runId,
        RunState.RUNNING,
        neuronCount,
        createdMillis,
        0,
        0,
        null,
        budgetUsd,
        budgetUsd == null ? null : 0.0,
        null);
  }
}
