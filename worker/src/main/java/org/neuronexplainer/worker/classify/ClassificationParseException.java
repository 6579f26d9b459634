package org.neuronexplainer.worker.classify;

import org.neuronexplainer.common.classify.ClassifierKind;

/**
 * A classification answer that does not fit its call: not a JSON list, the wrong length, or a value
 * other than 0 and 1. It is asked for again a bounded number of times, then the scorer fails for
 * that neuron with this reason; it is never recorded as a score of 0.
 */
public class ClassificationParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ClassifierKind scorer;

  public ClassificationParseException(String message) {
    this(message, null, null);
  }

  public ClassificationParseException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /** The scorer's failure for a neuron, {@code scorer} named for its metrics. */
  public ClassificationParseException(String message, Throwable cause, ClassifierKind scorer) {
    super(message, cause);
    this.scorer = scorer;
  }

  /** The scorer that failed; null for a single answer that did not parse. */
  public ClassifierKind scorer() {
    return scorer;
  }
}
