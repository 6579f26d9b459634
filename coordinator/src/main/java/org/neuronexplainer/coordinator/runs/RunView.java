package org.neuronexplainer.coordinator.runs;

import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.RunProgress;

/** A run as the API and the CLI show it: what was asked, where it stands, what it cost. */
public record RunView(
    String runId, String state, RunSpec spec, RunStatus status, RunProgress.Summary progress) {}
