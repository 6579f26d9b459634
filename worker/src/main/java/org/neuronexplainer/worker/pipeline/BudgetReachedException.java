package org.neuronexplainer.worker.pipeline;

import org.neuronexplainer.common.messaging.DroppedJobException;

/**
 * A call refused because its run's budget would be passed, or a job of a paused run: the job is
 * dropped without an event, so its neuron is neither failed nor scored, and a resume with a higher
 * budget does it.
 */
public final class BudgetReachedException extends DroppedJobException {

  public BudgetReachedException(String message) {
    super(message);
  }
}
