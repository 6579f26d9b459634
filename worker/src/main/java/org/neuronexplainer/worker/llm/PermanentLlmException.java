package org.neuronexplainer.worker.llm;

/**
 * A failure that sending the same call again will not fix: a 400/401/403/404/422 (or any other
 * non-retryable status), an invalid request, or {@link #attemptsExhausted() all attempts used} on
 * retryable failures, in which case the cause is the last {@link RetryableLlmException}.
 *
 * <p>A 2xx answer whose body is not a JSON object is {@link #unparseable()}: the transport does not
 * send it again, since the server did answer; {@link ParseRetries} asks again as for any answer
 * that does not parse, within its own attempts.
 */
public final class PermanentLlmException extends LlmException {

  private final int attempts;
  private final boolean attemptsExhausted;
  private final boolean unparseable;

  public PermanentLlmException(
      String message,
      int status,
      String body,
      int attempts,
      boolean attemptsExhausted,
      Throwable cause) {
    this(message, status, body, attempts, attemptsExhausted, false, cause);
  }

  private PermanentLlmException(
      String message,
      int status,
      String body,
      int attempts,
      boolean attemptsExhausted,
      boolean unparseable,
      Throwable cause) {
    super(message, status, body, cause);
    this.attempts = attempts;
    this.attemptsExhausted = attemptsExhausted;
    this.unparseable = unparseable;
  }

  /** A 2xx answer that is not a JSON object, after {@code attempts} HTTP attempts. */
  public static PermanentLlmException unparseableAnswer(
      String message, int status, String body, int attempts) {
    return new PermanentLlmException(message, status, body, attempts, false, true, null);
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

  /** True when the server answered (2xx) with a body that is not a JSON object. */
  public boolean unparseable() {
    return unparseable;
  }
}
