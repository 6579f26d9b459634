package org.neuronexplainer.worker.prompt;

import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.TokenEstimator;
import org.neuronexplainer.worker.llm.Tokenizer;

/**
 * Counts the tokens of prompts for context-size trimming and for printing what a request costs
 * (docs/method.md 3.3). {@link #forModel} counts exactly with the model's encoding, {@link #of}
 * with a chosen one; {@link #approximate()} is the tokenizer-free {@link TokenEstimator}.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The project's tokenizer-free estimate ({@link TokenEstimator#textTokens}). */
  static TokenCounter approximate() {
    return TokenEstimator::textTokens;
  }

  /** Counts with {@code tokenizer}, which must not be {@link Tokenizer#AUTO}. */
  static TokenCounter of(Tokenizer tokenizer) {
    if (tokenizer == Tokenizer.AUTO) {
      throw new IllegalArgumentException("auto names no tokenizer: resolve it for a model first");
    }
    return new TokenCounter() {
      @Override
      public int count(String text) {
        return tokenizer.textTokens(text);
      }

      @Override
      public int messageOverhead(String role) {
        return tokenizer.messageOverhead(role);
      }

      @Override
      public int chatReplyPriming() {
        return tokenizer.chatReplyPriming();
      }

      @Override
      public String toString() {
        return tokenizer.configName();
      }
    };
  }

  /** Counts exactly with {@code model}'s encoding ({@link Tokenizer#forModel}). */
  static TokenCounter forModel(String model) {
    return of(Tokenizer.forModel(model));
  }

  /** Tokens in one piece of text. */
  int count(String text);

  /**
   * Tokens a chat message with {@code role} (the API's role string) adds to its content (the
   * estimate's 4 unless overridden).
   */
  default int messageOverhead(String role) {
    return TokenEstimator.TOKENS_PER_MESSAGE;
  }

  /** Tokens a chat prompt adds for the reply's priming (the estimate's 2 unless overridden). */
  default int chatReplyPriming() {
    return TokenEstimator.CHAT_REPLY_PRIMING;
  }

  /**
   * Tokens in a prompt. Chat: each message's {@link #messageOverhead} plus its content, plus {@link
   * #chatReplyPriming}; strings: the count of the whole text (docs/method.md 3.3).
   */
  default int count(Prompt prompt) {
    if (!prompt.isChat()) {
      return count(prompt.text());
    }
    int total = chatReplyPriming();
    for (Message message : prompt.messages()) {
      total += messageOverhead(message.role().wireName()) + count(message.content());
    }
    return total;
  }

  /** Tokens in a request body's prompt, counted as {@link #count(Prompt)} counts its prompt. */
  default int count(LlmRequest request) {
    return Math.toIntExact(
        TokenEstimator.promptTokens(
            request.body(), this::count, this::messageOverhead, chatReplyPriming()));
  }
}
