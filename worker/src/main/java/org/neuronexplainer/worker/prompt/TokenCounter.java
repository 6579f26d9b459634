package org.neuronexplainer.worker.prompt;

import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.TokenEstimator;

/**
 * Counts the tokens of prompts for context-size trimming and for printing what a request costs. The
 * default is {@link #approximate()}, the estimate of {@link TokenEstimator}; a real tokenizer
 * (cl100k_base, as the original used) can replace it behind this interface.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The project's tokenizer-free estimate ({@link TokenEstimator#textTokens}). */
  static TokenCounter approximate() {
    return TokenEstimator::textTokens;
  }

  /** Tokens in one piece of text. */
  int count(String text);

  /**
   * Tokens in a prompt. Chat: a few per message plus its content, plus the reply's priming;
   * strings: the count of the whole text (docs/method.md 3.3).
   */
  default int count(Prompt prompt) {
    if (!prompt.isChat()) {
      return count(prompt.text());
    }
    int total = TokenEstimator.CHAT_REPLY_PRIMING;
    for (Message message : prompt.messages()) {
      total += TokenEstimator.TOKENS_PER_MESSAGE + count(message.content());
    }
    return total;
  }

  /** Tokens in a request body's prompt, counted as {@link #count(Prompt)} counts its prompt. */
  default int count(LlmRequest request) {
    return Math.toIntExact(TokenEstimator.promptTokens(request.body(), this::count));
  }
}
