package org.neuronexplainer.worker.fewshot;

/** A few-shot file that cannot be used; the message names the file and the problem. */
public final class FewShotFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  FewShotFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
