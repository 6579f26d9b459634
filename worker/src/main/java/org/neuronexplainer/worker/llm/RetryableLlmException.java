package org.neuronexplainer.worker.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that may pass if the call is sent again: 408, 409, 429, 5xx, a timeout or a connection
 * error (a body cut short included).
 */
public final class RetryableLlmException extends LlmException {

  private final Duration retryAfter;

  public RetryableLlmException(
      String message, int status, String body, Duration retryAfter, Throwable cause) {
    super(message, status, body, cause);
    this.retryAfter = retryAfter;
  }

  /** The server's {@code Retry-After}, when it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
