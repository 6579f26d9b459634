package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * One excerpt as the scorer model saw it, and its answer.
 *
 * @param id where the excerpt came from in the neuron's record: {@code top:I}, {@code random:I} or
 *     {@code quantile:B:I} (list, bucket and index, all 0-based)
 * @param source why it was drawn: {@code activating}, {@code random} (a silent random excerpt) or
 *     {@code hard} (a silent excerpt sharing the top excerpts' frequent tokens)
 * @param tokens the excerpt's tokens, as in the record
 * @param highlighted the token positions shown highlighted (fuzzing; empty for detection),
 *     ascending
 * @param label the true answer: fires (detection) or correctly highlighted (fuzzing)
 * @param answer the scorer model's answer
 * @param probability the model's probability of a yes, from logprobs; null when it gave none
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClassifiedExcerpt(
    @JsonProperty("id") String id,
    @JsonProperty("source") String source,
    @JsonProperty("tokens") List<String> tokens,
    @JsonProperty("highlighted") List<Integer> highlighted,
    @JsonProperty("label") boolean label,
    @JsonProperty("answer") boolean answer,
    @JsonProperty("probability") Double probability) {

  public ClassifiedExcerpt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    tokens = List.copyOf(tokens);
    highlighted = highlighted == null ? List.of() : List.copyOf(highlighted);
    for (int position : highlighted) {
      if (position < 0 || position >= tokens.size()) {
        throw new IllegalArgumentException(
            "excerpt " + id + ": highlighted position " + position + " is outside its tokens");
      }
    }
    if (probability != null && !(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException(
          "excerpt " + id + ": probability " + probability + " is outside [0, 1]");
    }
  }

  /** Whether the answer was right. */
  public boolean correct() {
    return answer == label;
  }
}
