package org.neuronexplainer.common.messaging;

/**
 * A job that is not this worker's to do: its run is unknown to the store the worker reads (another
 * deployment's job, or a run whose records were removed) or was interrupted. The runner logs it and
 * commits it with no event, so it is never failed against a run, nor retried.
 */
public class DroppedJobException extends RuntimeException {

  public DroppedJobException(String message) {
    super(message);
  }
}
