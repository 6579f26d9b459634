package org.neuronexplainer.worker.llm;

/**
 * US dollars per million tokens for one model. Cached prompt tokens (the provider's prompt cache)
 * are billed at {@code cachedPromptPerMillion} instead of {@code promptPerMillion}.
 */
public record ModelPrice(
    double promptPerMillion, double completionPerMillion, double cachedPromptPerMillion) {

  public ModelPrice {
    if (!(promptPerMillion >= 0 && completionPerMillion >= 0 && cachedPromptPerMillion >= 0)
        || Double.isInfinite(promptPerMillion + completionPerMillion + cachedPromptPerMillion)) {
      throw new IllegalArgumentException("prices must be finite and non-negative");
    }
  }

  /** The cost in US dollars of one call's usage. */
  public double cost(TokenUsage usage) {
    long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
    return ((usage.promptTokens() - cached) * promptPerMillion
            + cached * cachedPromptPerMillion
            + usage.completionTokens() * completionPerMillion)
        / 1_000_000.0;
  }
}
