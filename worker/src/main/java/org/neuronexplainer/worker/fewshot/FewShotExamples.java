package org.neuronexplainer.worker.fewshot;

import java.util.List;

/**
 * A loaded few-shot set.
 *
 * @param singleTokenExample the one-at-a-time simulator's worked single-token example, or null
 */
public record FewShotExamples(List<FewShotExample> examples, FewShotExample singleTokenExample) {

  public FewShotExamples {
    examples = List.copyOf(examples);
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("a few-shot set needs at least one example");
    }
  }
}
