package org.neuronexplainer.worker.llm;

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

  static String describe(int status, String body) {
    String shown =
        body == null || body.length() <= MAX_BODY_IN_MESSAGE
            ? body
            : body.substring(0, MAX_BODY_IN_MESSAGE) + "...(" + body.length() + " chars)";
    return (status == 0 ? "no response" : "HTTP " + status)
        + (shown == null || shown.isEmpty() ? "" : ": " + shown);
  }
}
