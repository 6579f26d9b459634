package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Estimates the tokens a request will count against a tokens-per-minute budget before it is sent,
 * the way providers do: the prompt (about four characters per token for English BPE) plus the
 * completion allowance {@code max_tokens × n}. The estimate is settled with the real {@code usage}
 * after the response, so it only has to be roughly right.
 */
public final class TokenEstimator {

  private static final double CHARS_PER_TOKEN = 4.0;
  // Chat formats wrap each message in a few role and separator tokens.
  private static final int TOKENS_PER_MESSAGE = 4;

  private TokenEstimator() {}

  public static long estimate(JsonNode body) {
    long promptChars = 0;
    long promptTokens = 0;
    JsonNode messages = body.path("messages");
    for (JsonNode message : messages) {
      promptTokens += TOKENS_PER_MESSAGE;
      promptChars += textLength(message.path("content"));
    }
    JsonNode prompt = body.path("prompt");
    if (prompt.isArray() && prompt.size() > 0 && prompt.get(0).isNumber()) {
      promptTokens += prompt.size(); // A prompt given as token ids.
    } else {
      promptChars += textLength(prompt);
    }
    promptTokens += (long) Math.ceil(promptChars / CHARS_PER_TOKEN);
    long maxTokens =
        body.has("max_completion_tokens")
            ? body.path("max_completion_tokens").asLong(0)
            : body.path("max_tokens").asLong(0);
    long n = Math.max(1, body.path("n").asLong(1));
    return promptTokens + Math.max(0, maxTokens) * n;
  }

  private static long textLength(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().length();
    }
    long length = 0;
    if (node.isArray()) {
      for (JsonNode part : node) {
        length += part.isTextual() ? part.textValue().length() : textLength(part.path("text"));
      }
    }
    return length;
  }
}
