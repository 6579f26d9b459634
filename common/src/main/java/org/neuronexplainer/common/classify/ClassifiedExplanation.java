package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * One explanation classified by one scorer: every excerpt in the order it was shown (batch by
 * batch), and the metrics of their answers.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClassifiedExplanation(
    @JsonProperty("explanation") String explanation,
    @JsonProperty("excerpts") List<ClassifiedExcerpt> excerpts,
    @JsonProperty("metrics") ClassificationMetrics metrics) {

  public ClassifiedExplanation {
    Objects.requireNonNull(explanation, "explanation");
    excerpts = List.copyOf(excerpts);
    Objects.requireNonNull(metrics, "metrics");
  }

  /** The explanation's excerpts with the metrics computed from them. */
  public static ClassifiedExplanation of(String explanation, List<ClassifiedExcerpt> excerpts) {
    return new ClassifiedExplanation(explanation, excerpts, ClassificationMetrics.of(excerpts));
  }

  /** The same excerpts with their metrics derived again from the answers alone. */
  public ClassifiedExplanation recompute() {
    return of(explanation, excerpts);
  }

  /** The excerpts the scorer got wrong: missed activations and false alarms. */
  public List<ClassifiedExcerpt> wrong() {
    return excerpts.stream().filter(excerpt -> !excerpt.correct()).toList();
  }
}
