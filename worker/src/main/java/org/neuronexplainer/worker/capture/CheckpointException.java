package org.neuronexplainer.worker.capture;

/** A model checkpoint that this forward pass cannot load; the message names the problem. */
public class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
