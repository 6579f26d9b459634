package org.neuronexplainer.worker.fewshot;

import java.util.List;

/**
 * A loaded few-shot set.
 *
 * @param examples worked neurons with records: for the token-activation-pair explainer and the
 *     simulators; may be empty only when {@code tokenSpaceExamples} is not
 * @param singleTokenExample the one-at-a-time simulator's worked single-token example, or null
 * @param tokenSpaceExamples worked neurons as token lists, for the token-space explainer; may be
 *     empty
 */
public record FewShotExamples(
    List<FewShotExample> examples,
    FewShotExample singleTokenExample,
    List<TokenSpaceExample> tokenSpaceExamples) {

  public FewShotExamples {
    examples = List.copyOf(examples);
    tokenSpaceExamples = tokenSpaceExamples == null ? List.of() : List.copyOf(tokenSpaceExamples);
    if (examples.isEmpty() && tokenSpaceExamples.isEmpty()) {
      throw new IllegalArgumentException("a few-shot set needs at least one example");
    }
  }

  /** A set without token-space examples. */
  public FewShotExamples(List<FewShotExample> examples, FewShotExample singleTokenExample) {
    this(examples, singleTokenExample, List.of());
  }
}
