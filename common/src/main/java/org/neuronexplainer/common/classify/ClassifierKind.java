package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** The two classification scorers (docs/method.md 15), named as in results files. */
public enum ClassifierKind {
  /** Does the neuron fire anywhere on this excerpt? */
  DETECTION,
  /** Do the highlighted tokens of this excerpt fit the explanation? */
  FUZZING;

  /** The name in results files and on the command line. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scorer called {@code name}. */
  @JsonCreator
  public static ClassifierKind fromWireName(String name) {
    return Arrays.stream(values())
        .filter(kind -> kind.wireName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown classification scorer \"" + name + "\" (detection or fuzzing)"));
  }
}
