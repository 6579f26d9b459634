package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One call: the endpoint and the JSON body exactly as the OpenAI API documents it ({@code messages}
 * or {@code prompt}, {@code max_tokens}, {@code logprobs}, ...). The client adds {@code model} from
 * its configuration when the body does not name one. The body is copied, so the caller may reuse
 * its node.
 */
public record LlmRequest(EndpointKind endpoint, ObjectNode body, CacheMode cacheMode) {

  public LlmRequest {
    Objects.requireNonNull(endpoint, "endpoint");
    body = Objects.requireNonNull(body, "body").deepCopy();
    Objects.requireNonNull(cacheMode, "cacheMode");
  }

  public static LlmRequest chat(ObjectNode body) {
    return new LlmRequest(EndpointKind.CHAT, body, CacheMode.READ_WRITE);
  }

  public static LlmRequest completions(ObjectNode body) {
    return new LlmRequest(EndpointKind.COMPLETIONS, body, CacheMode.READ_WRITE);
  }

  public LlmRequest withCacheMode(CacheMode mode) {
    return new LlmRequest(endpoint, body, mode);
  }

  /** The body (a copy: the request stays immutable). */
  @Override
  public ObjectNode body() {
    return body.deepCopy();
  }

  ObjectNode bodyForClient() {
    return body;
  }
}
