package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * How a run looks for a better explanation than the explainer's first answer (docs/method.md 16):
 * best of {@code explanations}, then up to {@code revisions} rounds in which the explainer sees its
 * best explanation with the excerpts the scorers got wrong and writes a revised one, kept when it
 * scores better by {@code selectBy}.
 *
 * @param explanations k, the explanations generated per neuron; null for the explainer's own number
 *     (5 for a model-backed explainer, as in the original; 1 for the baseline)
 * @param revisions the most revision rounds, 0 for none
 * @param selectBy the scorer whose score picks the best explanation, by config name: {@code
 *     simulation} (the default, also when null), {@code detection} or {@code fuzzing}; it must be
 *     one of the run's scorers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Refinement(Integer explanations, int revisions, String selectBy) {

  /** The most explanations per neuron a run may ask for. */
  public static final int MAX_EXPLANATIONS = 20;

  /** The most revision rounds a run may ask for. */
  public static final int MAX_REVISIONS = 10;

  public Refinement {
    if (explanations != null && (explanations < 1 || explanations > MAX_EXPLANATIONS)) {
      throw new IllegalArgumentException(
          "explanations per neuron must be 1 to " + MAX_EXPLANATIONS + ", got " + explanations);
    }
    if (revisions < 0 || revisions > MAX_REVISIONS) {
      throw new IllegalArgumentException(
          "revision rounds must be 0 to " + MAX_REVISIONS + ", got " + revisions);
    }
    selectBy =
        selectBy == null || selectBy.isBlank()
            ? RunSpec.SIMULATION
            : selectBy.strip().toLowerCase(Locale.ROOT);
    if (!RunSpec.SCORERS.contains(selectBy)) {
      throw new IllegalArgumentException(
          "unknown scorer \""
              + selectBy
              + "\" to pick the best explanation by: expected one of "
              + String.join(", ", RunSpec.SCORERS));
    }
  }

  /** The original's behaviour: the explainer's own number of explanations, no revision. */
  public static Refinement none() {
    return new Refinement(null, 0, null);
  }

  /** True when the run asks for nothing beyond the explainer's own explanations. */
  @JsonIgnore // not a field: a mapper that reads getters would write it, and readers refuse it
  public boolean isDefault() {
    return equals(none());
  }

  /** The part of a run's method version this adds, such as {@code k=8,revisions=2,by=detection}. */
  String version() {
    return "k="
        + (explanations == null ? "-" : explanations)
        + ",revisions="
        + revisions
        + ",by="
        + selectBy;
  }
}
