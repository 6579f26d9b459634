package org.neuronexplainer.common.run;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When a run's results for a neuron replace what the store's public-layout view ({@code
 * explanations/{layer}/{neuron}.jsonl}) shows. The run's own copy under {@code
 * runs/{runId}/explanations/} is written whatever the policy; the policy decides only the view.
 * Pure: a function of what the view shows and the new score.
 */
public enum PublishPolicy {
  /** The run that explained the neuron last replaces the view, whatever the scores. */
  LATEST("latest"),
  /**
   * The view is replaced only by a higher mean score; an undefined score never replaces a defined
   * one, and any result replaces a view without a score.
   */
  BEST("best"),
  /** The view is left alone: the results stay under the run only. */
  NONE("none");

  /** The policy of a spec that names none, every spec stored before policies existed included. */
  public static final PublishPolicy DEFAULT = LATEST;

  private final String configName;

  PublishPolicy(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Every policy's config name, in declaration order. */
  public static List<String> names() {
    return Arrays.stream(values()).map(PublishPolicy::configName).toList();
  }

  /**
   * The policy named {@code name}, read trimmed and in any case.
   *
   * @throws IllegalArgumentException naming the known policies when there is none by that name
   */
  public static PublishPolicy fromConfigName(String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (PublishPolicy policy : values()) {
      if (policy.configName.equals(wanted)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "unknown publish policy \"" + name + "\": expected one of " + String.join(", ", names()));
  }

  /**
   * Whether new results with mean score {@code score} (null when undefined) replace the view.
   *
   * @param shown what the view shows now: empty when it has no file for the neuron, else its source
   *     (with a null score when that file's score is undefined)
   */
  public boolean replaces(Optional<ExplanationSource> shown, Double score) {
    return switch (this) {
      case LATEST -> true;
      case NONE -> false;
      case BEST -> {
        if (shown.isEmpty()) {
          yield true;
        }
        Double old = shown.get().score();
        yield score != null && (old == null || score > old);
      }
    };
  }
}
