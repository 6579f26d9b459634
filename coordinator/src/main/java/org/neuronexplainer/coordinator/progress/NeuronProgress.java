package org.neuronexplainer.coordinator.progress;

import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.Stage;

/** What is known about one neuron of a run; guarded by its {@link RunProgress}. */
final class NeuronProgress {
  NeuronState state = NeuronState.PENDING;
  Stage stage;
  int attempt;
  String reason;
  JobMetrics metrics;
  boolean everDone;
}
