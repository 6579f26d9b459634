package org.neuronexplainer.worker.classify;

/**
 * A classification answer that does not fit its call: not a JSON list, the wrong length, or a value
 * other than 0 and 1. It is asked for again a bounded number of times, then the scorer fails for
 * that neuron with this reason; it is never recorded as a score of 0.
 */
public class ClassificationParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClassificationParseException(String message) {
    super(message);
  }

  public ClassificationParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
