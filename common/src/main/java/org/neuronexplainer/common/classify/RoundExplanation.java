package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One explanation in a neuron's {@link ExplanationRounds}.
 *
 * @param round 0 for the explainer's first explanations, r for the revision of round r
 * @param explanation the explanation's text
 * @param revisedFrom the index of the explanation this one revises; null in round 0
 * @param scores the explanation's score by each of the run's scorers ({@code simulation}: the
 *     correlation score; {@code detection}, {@code fuzzing}: balanced accuracy); a null value where
 *     the scorer left it undefined
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RoundExplanation(
    @JsonProperty("round") int round,
    @JsonProperty("explanation") String explanation,
    @JsonProperty("revised_from") Integer revisedFrom,
    @JsonProperty("scores") Map<String, Double> scores) {

  public RoundExplanation {
    if (round < 0) {
      throw new IllegalArgumentException("round must be at least 0, got " + round);
    }
    Objects.requireNonNull(explanation, "explanation");
    if ((round == 0) != (revisedFrom == null)) {
      throw new IllegalArgumentException(
          "an explanation of round "
              + round
              + (round == 0 ? " revises none" : " names the explanation it revises"));
    }
    Objects.requireNonNull(scores, "scores");
    // Kept in order, nulls allowed (Map.copyOf refuses them).
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
  }

  /** The explanation's score by {@code scorer}, or null when it has none. */
  public Double score(String scorer) {
    return scores.get(scorer);
  }

  /** The same explanation with its score by {@code scorer} set to {@code score}. */
  public RoundExplanation withScore(String scorer, Double score) {
    Map<String, Double> changed = new LinkedHashMap<>(scores);
    changed.put(scorer, score);
    return new RoundExplanation(round, explanation, revisedFrom, changed);
  }
}
