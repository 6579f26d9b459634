package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunNotFoundException;
import org.neuronexplainer.coordinator.runs.RunView;

/**
 * A store's run records read without a coordinator: each run's spec and recorded state, how many of
 * its neurons left a done marker, and the failed neurons with their reasons as the coordinator last
 * wrote them to {@code runs/{id}/failures.jsonl}; a batch run's batches as the batcher last counted
 * them ({@code runs/{id}/batches.json}). Neurons in other states (waiting, in a stage) are in the
 * coordinator's memory alone (it folds the events topic), so those are not here.
 */
final class StoreRunRecords implements RunSource {

  private final BlobStore store;
  private final RunRecords records;

  StoreRunRecords(BlobStore store) {
    this.store = store;
    this.records = new RunRecords(store);
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public List<RunView> list() {
    List<String> ids;
    try {
      ids = records.runIds();
    } catch (UnsupportedOperationException e) {
      return List.of(); // a public https container: no run of ours, and no listing
    }
    List<RunView> views = new ArrayList<>();
    for (String runId : ids) {
      records.status(runId).ifPresent(status -> views.add(view(status, doneCount(runId))));
    }
    return views;
  }

  /** The run's done markers, or -1 where the store cannot list them. */
  private int doneCount(String runId) {
    try {
      return store.list("runs/" + runId + "/done/").size();
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }

  @Override
  public RunView view(String runId) {
    RunStatus status;
    try {
      status = records.status(runId).orElseThrow(() -> new RunNotFoundException(runId));
    } catch (IllegalArgumentException e) {
      throw new RunNotFoundException(runId); // not a valid key, so no such run
    }
    return view(status, doneCount(runId));
  }

  @Override
  public List<RunProgress.NeuronView> neurons(String runId, NeuronState state) {
    view(runId);
    if (state != null && state != NeuronState.FAILED) {
      return List.of();
    }
    List<RunProgress.NeuronView> failed = new ArrayList<>();
    for (RunFailure f : records.failures(runId)) {
      failed.add(
          new RunProgress.NeuronView(
              f.neuron(), NeuronState.FAILED.id(), f.stage(), f.attempts(), f.reason(), null));
    }
    return failed;
  }

  /** {@code done}: neurons with a done marker, or -1 where they cannot be counted. */
  private RunView view(RunStatus status, int done) {
    RunProgress.Summary summary = null;
    if (done >= 0) {
      Map<String, Integer> states = new LinkedHashMap<>();
      states.put(NeuronState.DONE.id(), done);
      states.put(NeuronState.FAILED.id(), records.failures(status.runId()).size());
      summary =
          new RunProgress.Summary(
              status.neuronCount(), states, Map.of(), Map.of(), 0, null, 0, 0, 0, 0, null);
    }
    RunSpec spec = records.spec(status.runId()).orElse(null);
    RunRecords.BatchSummary batches = null;
    if (spec != null && spec.batch()) {
      batches = records.batchSummary(status.runId()).orElse(null);
    }
    return new RunView(status.runId(), status.state().id(), spec, status, summary, batches);
  }
}
