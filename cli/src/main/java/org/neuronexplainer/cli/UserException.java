package org.neuronexplainer.cli;

/** A failure caused by the user's input, reported as its message alone with an exit code. */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public UserException(String message) {
    this(message, 1);
  }

  public UserException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
