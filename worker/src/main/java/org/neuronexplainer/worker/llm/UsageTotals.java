package org.neuronexplainer.worker.llm;

/**
 * Summed accounting of many calls.
 *
 * @param calls successful calls, cache hits included
 * @param cacheHits calls answered by the response cache, with no HTTP call and no cost
 * @param failures calls that ended in an {@link LlmException}
 * @param httpAttempts HTTP requests sent, retries included
 * @param cachedPromptTokens prompt tokens the provider served from its prompt cache (part of
 *     promptTokens)
 * @param costUsd US dollars, for calls to priced models
 * @param unpricedCalls fresh calls to a model without a configured price (their cost is unknown)
 */
public record UsageTotals(
    long calls,
    long cacheHits,
    long failures,
    long httpAttempts,
    long promptTokens,
    long completionTokens,
    long cachedPromptTokens,
    double costUsd,
    long unpricedCalls) {

  public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0, 0, 0);

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  public UsageTotals plus(UsageTotals o) {
    return new UsageTotals(
        calls + o.calls,
        cacheHits + o.cacheHits,
        failures + o.failures,
        httpAttempts + o.httpAttempts,
        promptTokens + o.promptTokens,
        completionTokens + o.completionTokens,
        cachedPromptTokens + o.cachedPromptTokens,
        costUsd + o.costUsd,
        unpricedCalls + o.unpricedCalls);
  }

  static UsageTotals of(LlmResponse r) {
    TokenUsage u = r.usage();
    return new UsageTotals(
        1,
        r.fromCache() ? 1 : 0,
        0,
        r.attempts(),
        u.promptTokens(),
        u.completionTokens(),
        u.cachedPromptTokens(),
        r.costUsd(),
        r.fromCache() || r.priced() ? 0 : 1);
  }

  static UsageTotals failure(int attempts) {
    return new UsageTotals(0, 0, 1, attempts, 0, 0, 0, 0, 0);
  }
}
