package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A successful call.
 *
 * @param body the response JSON as the server sent it (or as it was cached)
 * @param model the model the call was priced as: the request's, which is the configured one unless
 *     the body named another
 * @param usage the response's {@code usage}; zero for a cache hit, which cost nothing
 * @param costUsd the cost of this call in US dollars; 0 for a cache hit or an unpriced model
 * @param priced whether a price was configured for the model
 * @param fromCache whether the answer came from the response cache without an HTTP call
 * @param attempts HTTP attempts made, 0 for a cache hit
 * @param cacheKey the sha256 of endpoint, model and canonical body
 */
public record LlmResponse(
    ObjectNode body,
    String model,
    TokenUsage usage,
    double costUsd,
    boolean priced,
    boolean fromCache,
    int attempts,
    String cacheKey) {

  /**
   * The text of every choice in order: {@code message.content} for chat, {@code text} for
   * completions; an empty string for a choice without text.
   */
  public List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (JsonNode choice : body.path("choices")) {
      JsonNode text =
          choice.has("message") ? choice.path("message").path("content") : choice.path("text");
      texts.add(text.isTextual() ? text.textValue() : "");
    }
    return texts;
  }
}
