package org.neuronexplainer.worker.capture.run;

/** What a failed task on another thread threw, handed to the caller as itself. */
final class Failures {
  private Failures() {}

  /**
   * Throws {@code cause} if it is an Error (out of heap, which the CLI turns into advice on -Xmx);
   * otherwise returns it to be thrown, wrapped only if it is a checked exception.
   */
  static RuntimeException unchecked(Throwable cause) {
    if (cause instanceof Error error) {
      throw error;
    }
    return cause instanceof RuntimeException runtime
        ? runtime
        : new IllegalStateException(cause.getMessage(), cause);
  }
}
