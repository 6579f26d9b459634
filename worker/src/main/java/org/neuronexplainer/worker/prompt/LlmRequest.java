package org.neuronexplainer.worker.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One call to an OpenAI-compatible endpoint, as plain data: the HTTP client sends {@code body} as
 * JSON to the path of {@code endpoint}. The body is exactly what is sent (it is also what the
 * golden-file tests compare), model included.
 */
public record LlmRequest(Endpoint endpoint, ObjectNode body) {

  public LlmRequest {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(body, "body");
    body = body.deepCopy();
  }

  @Override
  public ObjectNode body() {
    return body.deepCopy();
  }

  /** The two endpoints the method uses. */
  public enum Endpoint {
    CHAT("/v1/chat/completions"),
    COMPLETIONS("/v1/completions");

    private final String path;

    Endpoint(String path) {
      this.path = path;
    }

    /** The path under the base URL, OpenAI style. */
    public String path() {
      return path;
    }
  }
}
