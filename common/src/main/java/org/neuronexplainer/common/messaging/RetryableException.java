package org.neuronexplainer.common.messaging;

/**
 * A failure that may pass on its own (a timeout, a rate limit, a store that is briefly away): the
 * job goes back on its topic with a delay and a raised attempt, until the run's attempt budget is
 * spent.
 */
public class RetryableException extends RuntimeException {

  public RetryableException(String message) {
    super(message);
  }

  public RetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
