package org.neuronexplainer.common.run;

import java.util.Objects;

/**
 * The coordinator's record of a run, at {@code runs/{runId}/status.json}. Per-neuron progress is
 * not here: it is folded from the events topic.
 *
 * @param neuronCount how many neurons the plan holds
 * @param createdMillis when the run was submitted
 * @param finishedMillis when it reached a final state, or 0
 */
public record RunStatus(
    String runId, RunState state, int neuronCount, long createdMillis, long finishedMillis) {

  public RunStatus {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
  }

  public RunStatus with(RunState newState, long atMillis) {
    return new RunStatus(
        runId, newState, neuronCount, createdMillis, newState.finished() ? atMillis : 0);
  }
}
