package org.neuronexplainer.common.messaging;

/**
 * A failure that another attempt would repeat (bad input, a missing record, a model that cannot run
 * the job): the job goes to the dead-letter topic at once and its unit is {@code failed}.
 */
public class PermanentException extends RuntimeException {

  public PermanentException(String message) {
    super(message);
  }

  public PermanentException(String message, Throwable cause) {
    super(message, cause);
  }
}
