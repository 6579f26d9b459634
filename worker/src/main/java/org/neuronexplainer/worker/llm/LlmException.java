package org.neuronexplainer.worker.llm;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;

/**
 * A failed LLM call. The type says what a caller may do: {@link RetryableLlmException} may succeed
 * if sent again later, {@link PermanentLlmException} will not (or the attempts ran out).
 *
 * <p>{@link #status()} is the last HTTP status, 0 when no response arrived (timeout, connection
 * error); {@link #body()} is the last response body, empty when none.
 */
public abstract sealed class LlmException extends RuntimeException
    permits RetryableLlmException, PermanentLlmException {

  private static final int MAX_BODY_IN_MESSAGE = 2000;

  private final int status;
  private final String body;

  LlmException(String message, int status, String body, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.body = body == null ? "" : body;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }

  /**
   * Why the call failed, in a few words: for no response, what the connection did ("connection
   * refused", "timed out"), else the HTTP status; for progress notices and one-line errors.
   */
  public String reason() {
    if (status != 0) {
      return "HTTP " + status;
    }
    for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return "connection refused";
      }
      if (cause instanceof HttpTimeoutException) {
        return "timed out";
      }
      if (cause instanceof UnknownHostException) {
        return "unknown host";
      }
      if (cause instanceof LlmException inner && inner != this) {
        return inner.reason();
      }
    }
    String message = getMessage() == null ? "" : getMessage();
    return message.contains(" timed out ") ? "timed out" : "no response";
  }

  static String describe(int status, String body) {
    String shown =
        body == null || body.length() <= MAX_BODY_IN_MESSAGE
            ? body
            : body.substring(0, MAX_BODY_IN_MESSAGE) + "...(" + body.length() + " chars)";
    return (status == 0 ? "no response" : "HTTP " + status)
        + (shown == null || shown.isEmpty() ? "" : ": " + shown);
  }
}
