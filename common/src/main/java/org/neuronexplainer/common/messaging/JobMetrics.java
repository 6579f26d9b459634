package org.neuronexplainer.common.messaging;

/**
 * Optional figures a stage reports with its success; every field may be null.
 *
 * @param promptTokens LLM prompt tokens spent by the attempt
 * @param completionTokens LLM completion tokens spent by the attempt
 * @param costUsd the attempt's LLM cost in US dollars
 * @param score the explanation score, for the score stage
 * @param cachedPromptTokens the part of promptTokens the provider served from its prompt cache
 *     (absent from events written before it existed)
 */
public record JobMetrics(
    Long promptTokens,
    Long completionTokens,
    Double costUsd,
    Double score,
    Long cachedPromptTokens) {

  public static final JobMetrics NONE = new JobMetrics(null, null, null, null);

  public JobMetrics(Long promptTokens, Long completionTokens, Double costUsd, Double score) {
    this(promptTokens, completionTokens, costUsd, score, null);
  }

  public static JobMetrics score(double score) {
    return new JobMetrics(null, null, null, score);
  }

  public static JobMetrics llm(long promptTokens, long completionTokens, double costUsd) {
    return new JobMetrics(promptTokens, completionTokens, costUsd, null);
  }
}
