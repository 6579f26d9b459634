package org.neuronexplainer.coordinator.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.RunProgress;

/**
 * A run as the API and the CLI show it: what was asked, where it stands, what it cost.
 *
 * @param batches a batch run's calls and batches as the batcher last counted them; null (absent in
 *     JSON) for other runs and before the first count
 */
public record RunView(
    String runId,
    String state,
    RunSpec spec,
    RunStatus status,
    RunProgress.Summary progress,
    @JsonInclude(JsonInclude.Include.NON_NULL) RunRecords.BatchSummary batches) {

  public RunView(
      String runId, String state, RunSpec spec, RunStatus status, RunProgress.Summary progress) {
    this(runId, state, spec, status, progress, null);
  }
}
