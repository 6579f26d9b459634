package org.neuronexplainer.worker.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.neuronexplainer.worker.llm.LlmRequest;

/**
 * Turns a {@link Prompt} into an {@link LlmRequest}: chat prompts become {@code messages} for
 * {@code /v1/chat/completions}, string prompts become {@code prompt} for {@code /v1/completions}.
 * Keys come in a fixed order (model, messages or prompt, then the caller's parameters), so equal
 * requests serialize to equal bytes, which the response cache's key relies on.
 */
public final class RequestBodies {
  /** One mapper for building request trees; it holds no per-request state. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private RequestBodies() {}

  /** A new empty object for parameters. */
  public static ObjectNode parameters() {
    return JSON.createObjectNode();
  }

  /** The request that sends {@code prompt} to {@code model}, with {@code parameters} appended. */
  public static LlmRequest forPrompt(String model, Prompt prompt, ObjectNode parameters) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    if (prompt.isChat()) {
      ArrayNode messages = body.putArray("messages");
      for (Message message : prompt.messages()) {
        messages
            .addObject()
            .put("role", message.role().wireName())
            .put("content", message.content());
      }
    } else {
      body.put("prompt", prompt.text());
    }
    body.setAll(parameters);
    return prompt.isChat() ? LlmRequest.chat(body) : LlmRequest.completions(body);
  }
}
