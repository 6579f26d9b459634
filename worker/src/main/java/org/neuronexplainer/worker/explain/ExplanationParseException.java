package org.neuronexplainer.worker.explain;

/** A model response that holds no explanation: the attempt failed, it is not an empty result. */
public class ExplanationParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExplanationParseException(String message) {
    super(message);
  }

  public ExplanationParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
