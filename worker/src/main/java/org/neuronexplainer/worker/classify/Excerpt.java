package org.neuronexplainer.worker.classify;

import java.util.List;
import java.util.Objects;
import org.neuronexplainer.common.dataset.ActivationRecord;

/**
 * One excerpt of a classification sample, before the scorer model sees it.
 *
 * @param id its place in the neuron's record: {@code top:I}, {@code random:I} or {@code
 *     quantile:B:I}
 * @param source {@code activating}, {@code random} or {@code hard}
 * @param record the excerpt's tokens and real activations
 * @param highlighted the positions shown highlighted (fuzzing), ascending; empty for detection
 * @param label the true answer
 */
public record Excerpt(
    String id, String source, ActivationRecord record, List<Integer> highlighted, boolean label) {

  public static final String ACTIVATING = "activating";
  public static final String RANDOM = "random";
  public static final String HARD = "hard";

  public Excerpt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(record, "record");
    highlighted = List.copyOf(highlighted);
  }

  public List<String> tokens() {
    return record.tokens();
  }
}
