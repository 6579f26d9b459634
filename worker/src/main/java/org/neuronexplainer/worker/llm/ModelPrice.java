package org.neuronexplainer.worker.llm;

/**
 * US dollars per million tokens for one model. Cached prompt tokens (the provider's prompt cache)
 * are billed at {@code cachedPromptPerMillion} instead of {@code promptPerMillion}. Calls sent
 * through a provider's batch API are billed at the batch prices: half the synchronous ones unless
 * the price table names others.
 */
public record ModelPrice(
    double promptPerMillion,
    double completionPerMillion,
    double cachedPromptPerMillion,
    double batchPromptPerMillion,
    double batchCompletionPerMillion) {

  /** The discount OpenAI and Azure OpenAI give on batch calls: half the synchronous price. */
  public static final double BATCH_FACTOR = 0.5;

  public ModelPrice {
    double sum =
        promptPerMillion
            + completionPerMillion
            + cachedPromptPerMillion
            + batchPromptPerMillion
            + batchCompletionPerMillion;
    if (!(promptPerMillion >= 0
            && completionPerMillion >= 0
            && cachedPromptPerMillion >= 0
            && batchPromptPerMillion >= 0
            && batchCompletionPerMillion >= 0)
        || Double.isInfinite(sum)) {
      throw new IllegalArgumentException("prices must be finite and non-negative");
    }
  }

  /** Synchronous prices, with batch prices at {@link #BATCH_FACTOR} of them. */
  public ModelPrice(
      double promptPerMillion, double completionPerMillion, double cachedPromptPerMillion) {
    this(
        promptPerMillion,
        completionPerMillion,
        cachedPromptPerMillion,
        promptPerMillion * BATCH_FACTOR,
        completionPerMillion * BATCH_FACTOR);
  }

  /** The cost in US dollars of one call's usage. */
  public double cost(TokenUsage usage) {
    long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
    return ((usage.promptTokens() - cached) * promptPerMillion
            + cached * cachedPromptPerMillion
            + usage.completionTokens() * completionPerMillion)
        / 1_000_000.0;
  }

  /** The cost in US dollars of a call's tokens sent synchronously, none of them cached. */
  public double cost(long promptTokens, long completionTokens) {
    return (promptTokens * promptPerMillion + completionTokens * completionPerMillion) / 1e6;
  }

  /** The cost in US dollars of a call's tokens sent through the batch API. */
  public double batchCost(long promptTokens, long completionTokens) {
    return (promptTokens * batchPromptPerMillion + completionTokens * batchCompletionPerMillion)
        / 1e6;
  }
}
