package org.neuronexplainer.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Estimates how many tokens a prompt costs, for context-size trimming and budgets. The default is
 * {@link ApproximateTokenCounter}; a real tokenizer (cl100k_base, as the original used) can replace
 * it behind this interface.
 */
public interface TokenCounter {

  /** Tokens in one piece of text. */
  int count(String text);

  /**
   * Tokens in a prompt. Chat: 4 per message plus its content, plus 2 for the reply's priming;
   * strings: the count of the whole text (METHOD.md 3.3).
   */
  default int count(Prompt prompt) {
    if (!prompt.isChat()) {
      return count(prompt.text());
    }
    int total = 2;
    for (Message message : prompt.messages()) {
      total += 4 + count(message.content());
    }
    return total;
  }

  /**
   * Tokens in a request body's prompt: its {@code messages} counted as chat, or its {@code prompt}
   * string; for printing what a request would cost without the {@link Prompt} it came from.
   */
  default int count(LlmRequest request) {
    JsonNode body = request.body();
    if (body.has("prompt")) {
      return count(body.get("prompt").asText());
    }
    int total = 2;
    for (JsonNode message : body.path("messages")) {
      total += 4 + count(message.path("content").asText());
    }
    return total;
  }
}
