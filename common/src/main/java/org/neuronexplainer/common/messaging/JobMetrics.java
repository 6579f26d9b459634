package org.neuronexplainer.common.messaging;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Optional figures a stage reports with its success; every field may be null.
 *
 * @param promptTokens LLM prompt tokens spent by the attempt
 * @param completionTokens LLM completion tokens spent by the attempt
 * @param costUsd the attempt's LLM cost in US dollars
 * @param score the explanation score, for the score stage
 * @param cachedPromptTokens the part of promptTokens the provider served from its prompt cache
 *     (absent from events written before it existed)
 * @param scores a run with classification scorers: the neuron's score by scorer ({@code
 *     simulation}, {@code detection}, {@code fuzzing}), each the mean over its explanations, null
 *     where undefined; null for a run that scores by simulation only
 */
public record JobMetrics(
    Long promptTokens,
    Long completionTokens,
    Double costUsd,
    Double score,
    Long cachedPromptTokens,
    Map<String, Double> scores) {

  public static final JobMetrics NONE = new JobMetrics(null, null, null, null);

  public JobMetrics {
    // Sorted, and nulls kept: a scorer whose mean is undefined still scored the neuron.
    scores = scores == null ? null : Collections.unmodifiableMap(new TreeMap<>(scores));
  }

  public JobMetrics(Long promptTokens, Long completionTokens, Double costUsd, Double score) {
    this(promptTokens, completionTokens, costUsd, score, null, null);
  }

  public JobMetrics(
      Long promptTokens,
      Long completionTokens,
      Double costUsd,
      Double score,
      Long cachedPromptTokens) {
    this(promptTokens, completionTokens, costUsd, score, cachedPromptTokens, null);
  }

  public static JobMetrics score(double score) {
    return new JobMetrics(null, null, null, score);
  }

  public static JobMetrics llm(long promptTokens, long completionTokens, double costUsd) {
    return new JobMetrics(promptTokens, completionTokens, costUsd, null);
  }
}
