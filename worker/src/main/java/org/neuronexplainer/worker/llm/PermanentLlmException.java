package org.neuronexplainer.worker.llm;

/**
 * A failure that sending the same call again will not fix: a 400/401/403/404/422 (or any other
 * non-retryable status), an invalid request, or {@link #attemptsExhausted() all attempts used} on
 * retryable failures, in which case the cause is the last {@link RetryableLlmException}.
 */
public final class PermanentLlmException extends LlmException {

  private final int attempts;
  private final boolean attemptsExhausted;

  public PermanentLlmException(
      String message,
      int status,
      String body,
      int attempts,
      boolean attemptsExhausted,
      Throwable cause) {
    super(message, status, body, cause);
    this.attempts = attempts;
    this.attemptsExhausted = attemptsExhausted;
  }

  /** How many HTTP attempts were made. */
  public int attempts() {
    return attempts;
  }

  /**
   * True when every failure was retryable and the attempts ran out: the job may be re-queued later
   * (an outage or a rate limit), unlike a rejected request.
   */
  public boolean attemptsExhausted() {
    return attemptsExhausted;
  }
}
