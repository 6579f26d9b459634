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
 * @param left the planned neurons without a result when it was stopped (interrupted or cancelled),
 *     else null
 */
public record RunStatus(
    String runId,
    RunState state,
    int neuronCount,
    long createdMillis,
    long finishedMillis,
    long resumedMillis,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer left) {

  public RunStatus {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
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
        null);
  }

  /** Stopped (interrupted or cancelled) at {@code atMillis} with {@code left} neurons to do. */
  public RunStatus stopped(RunState newState, long atMillis, int left) {
    return new RunStatus(
        runId, newState, neuronCount, createdMillis, atMillis, resumedMillis, left);
  }

  /** Running again from {@code atMillis}, as a resume makes it. */
  public RunStatus resumed(long atMillis) {
    return new RunStatus(runId, RunState.RUNNING, neuronCount, createdMillis, 0, atMillis, null);
  }
}
