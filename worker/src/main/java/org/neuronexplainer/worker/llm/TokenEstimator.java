package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.ToIntFunction;

/**
 * The project's tokenizer-free token estimate ({@code LLM_TOKENIZER=estimate}, docs/method.md 3.3),
 * and the walk over a request body that every {@link Tokenizer} counts with. Text: one token per
 * started group of 4 UTF-16 characters (English BPE averages about 4), plus one per newline or tab,
 * because the records' {@code token<TAB>value} lines are short tokens that each cost a token of
 * their own. It is an estimate, never used for billing: that uses the response's {@code usage}.
 */
public final class TokenEstimator {

  static final int CHARS_PER_TOKEN = 4;

  /** Chat formats wrap each message in a few role and separator tokens, the role included. */
  public static final int TOKENS_PER_MESSAGE = 4;

  /** Chat formats prime the reply with the assistant's role. */
  public static final int CHAT_REPLY_PRIMING = 2;

  /** A message's {@code name} costs its text and one token more (OpenAI's chat format). */
  static final int TOKENS_PER_NAME = 1;

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
    return promptTokens(
        body, TokenEstimator::textTokens, role -> TOKENS_PER_MESSAGE, CHAT_REPLY_PRIMING);
  }

  /**
   * Prompt tokens of a request body: its {@code messages} counted as chat ({@code messageOverhead}
   * of each message's role, and {@code replyPriming} once, on top of their content and names), or
   * its {@code prompt} (text, a list of texts, or token ids), with {@code textTokens} for each
   * piece of text.
   */
  public static long promptTokens(
      JsonNode body,
      ToIntFunction<String> textTokens,
      ToIntFunction<String> messageOverhead,
      int replyPriming) {
    long tokens = 0;
    if (body.has("messages")) {
      tokens += replyPriming;
      for (JsonNode message : body.path("messages")) {
        tokens +=
            messageOverhead.applyAsInt(message.path("role").asText(""))
                + text(message.path("content"), textTokens);
        if (message.path("name").isTextual()) {
          tokens += TOKENS_PER_NAME + textTokens.applyAsInt(message.path("name").textValue());
        }
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
    return promptTokens(body) + completionAllowance(body);
  }

  /** The completion tokens a request may be billed at most: {@code max_tokens × n}. */
  public static long completionAllowance(JsonNode body) {
    long maxTokens =
        body.has("max_completion_tokens")
            ? body.path("max_completion_tokens").asLong(0)
            : body.path("max_tokens").asLong(0);
    long n = Math.max(1, body.path("n").asLong(1));
    return Math.max(0, maxTokens) * n;
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
