package org.neuronexplainer.coordinator.viewer;

import java.util.List;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunService;
import org.neuronexplainer.coordinator.runs.RunView;

/**
 * Where the run pages read runs: the coordinator's live progress ({@link #live(RunService)}), or
 * the run records of a store read on their own ({@link StoreRunRecords}, for {@code serve}). Read
 * only: re-queue and cancel go through the coordinator's API with its token.
 */
public interface RunSource {

  /** Whether progress, failures and the API come from a running coordinator. */
  boolean live();

  /** Every run, by id. */
  List<RunView> list();

  /** One run; {@link org.neuronexplainer.coordinator.runs.RunNotFoundException} if unknown. */
  RunView view(String runId);

  /** The neurons of a run in a state (all when null); empty where they are not known. */
  List<RunProgress.NeuronView> neurons(String runId, NeuronState state);

  /** The coordinator's own runs. */
  static RunSource live(RunService runs) {
    return new RunSource() {
      @Override
      public boolean live() {
        return true;
      }

      @Override
      public List<RunView> list() {
        return runs.list();
      }

      @Override
      public RunView view(String runId) {
        return runs.view(runId);
      }

      @Override
      public List<RunProgress.NeuronView> neurons(String runId, NeuronState state) {
        return runs.neurons(runId, state);
      }
    };
  }
}
