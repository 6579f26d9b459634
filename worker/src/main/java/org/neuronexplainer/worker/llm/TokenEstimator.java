package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.ToIntFunction;

/**
 * The project's one tokenizer-free token estimate, used for context-size trimming, for printing
 * what a request costs and for the tokens-per-minute budget. Text: one token per started group of 4
 * UTF-16 characters (English BPE averages about 4), plus one per newline or tab, because the
 * records' {@code token<TAB>value} lines are short tokens that each cost a token of their own. It
 * is an estimate, never used for billing: that uses the response's {@code usage}, and the budget is
 * settled with it after each call.
 */
public final class TokenEstimator {

  static final int CHARS_PER_TOKEN = 4;

  /** Chat formats wrap each message in a few role and separator tokens. */
  public static final int TOKENS_PER_MESSAGE = 4;

  /** Chat formats prime the reply with the assistant's role. */
  public static final int CHAT_REPLY_PRIMING = 2;

  private TokenEstimator() {}

  /** Tokens in one piece of text. */
  public static int textTokens(String text) {
    int separators = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\t') {
        separators++;
      }
    }
    return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + separators;
  }

  /** Prompt tokens of a request body, with the estimate above for text. */
  public static long promptTokens(JsonNode body) {
    return promptTokens(body, TokenEstimator::textTokens);
  }

  /**
   * Prompt tokens of a request body: its {@code messages} counted as chat, or its {@code prompt}
   * (text, a list of texts, or token ids), with {@code textTokens} for each piece of text.
   */
  public static long promptTokens(JsonNode body, ToIntFunction<String> textTokens) {
    long tokens = 0;
    if (body.has("messages")) {
      tokens += CHAT_REPLY_PRIMING;
      for (JsonNode message : body.path("messages")) {
        tokens += TOKENS_PER_MESSAGE + text(message.path("content"), textTokens);
      }
    }
    JsonNode prompt = body.path("prompt");
    if (prompt.isArray() && prompt.size() > 0 && prompt.get(0).isNumber()) {
      tokens += prompt.size(); // A prompt given as token ids.
    } else {
      tokens += text(prompt, textTokens);
    }
    return tokens;
  }

  /**
   * What a request counts against a tokens-per-minute budget before it is sent, the way providers
   * do: the prompt plus the completion allowance {@code max_tokens × n}.
   */
  public static long estimate(JsonNode body) {
    long maxTokens =
        body.has("max_completion_tokens")
            ? body.path("max_completion_tokens").asLong(0)
            : body.path("max_tokens").asLong(0);
    long n = Math.max(1, body.path("n").asLong(1));
    return promptTokens(body) + Math.max(0, maxTokens) * n;
  }

  private static long text(JsonNode node, ToIntFunction<String> textTokens) {
    if (node.isTextual()) {
      return textTokens.applyAsInt(node.textValue());
    }
    long tokens = 0;
    if (node.isArray()) {
      for (JsonNode part : node) {
        tokens +=
            part.isTextual()
                ? textTokens.applyAsInt(part.textValue())
                : text(part.path("text"), textTokens);
      }
    }
    return tokens;
  }
}
