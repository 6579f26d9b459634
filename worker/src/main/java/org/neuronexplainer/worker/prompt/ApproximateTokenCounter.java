package org.neuronexplainer.worker.prompt;

/**
 * A tokenizer-free estimate: one token per started group of 4 UTF-16 characters, plus one per
 * newline or tab. English BPE averages about 4 characters a token, and the records' {@code
 * token<TAB>value} lines are mostly short tokens that each cost a token of their own, so the
 * separators are counted on top. It is an estimate for trimming and budgets, never for billing,
 * which uses the response's {@code usage}.
 */
public final class ApproximateTokenCounter implements TokenCounter {
  static final int CHARS_PER_TOKEN = 4;

  @Override
  public int count(String text) {
    int separators = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\t') {
        separators++;
      }
    }
    return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + separators;
  }
}
