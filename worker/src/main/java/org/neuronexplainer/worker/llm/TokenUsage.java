package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code usage} object of one response. {@code cachedPromptTokens} is the part of the prompt
 * the provider served from its own prompt cache ({@code prompt_tokens_details.cached_tokens}).
 */
public record TokenUsage(long promptTokens, long completionTokens, long cachedPromptTokens) {

  public static final TokenUsage NONE = new TokenUsage(0, 0, 0);

  public TokenUsage {
    if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0) {
      throw new IllegalArgumentException("token counts must be non-negative");
    }
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** Reads {@code usage} from a response body; missing fields count as zero. */
  public static TokenUsage fromResponse(JsonNode response) {
    JsonNode usage = response.path("usage");
    return new TokenUsage(
        Math.max(0, usage.path("prompt_tokens").asLong(0)),
        Math.max(0, usage.path("completion_tokens").asLong(0)),
        Math.max(0, usage.path("prompt_tokens_details").path("cached_tokens").asLong(0)));
  }

  /** Whether the response carried a usage object at all (some servers omit it). */
  public static boolean present(JsonNode response) {
    return response.path("usage").isObject();
  }
}
