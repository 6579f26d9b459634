package org.neuronexplainer.worker.capture.tokenizer;

/** Tokenizer files that cannot be read, or text or ids this tokenizer cannot handle. */
public class TokenizerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenizerException(String message) {
    super(message);
  }

  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
