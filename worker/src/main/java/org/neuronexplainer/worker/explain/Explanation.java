package org.neuronexplainer.worker.explain;

import java.util.Objects;

/**
 * One explanation from one completion choice.
 *
 * @param raw the choice's text exactly as the model returned it (docs/method.md 3.4: the original
 *     keeps this, typically a leading space and a trailing period)
 * @param text the explanation to use and store: {@code raw} stripped of surrounding whitespace, as
 *     the original's simulator uses it; the period is kept
 */
public record Explanation(String raw, String text) {

  public Explanation {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(text, "text");
  }

  /** An explanation with no model behind it: raw and text are the same. */
  public static Explanation of(String text) {
    return new Explanation(text, text);
  }
}
