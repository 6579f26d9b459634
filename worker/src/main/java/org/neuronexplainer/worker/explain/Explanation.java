package org.neuronexplainer.worker.explain;

import java.util.Objects;

/**
 * One explanation from one completion choice.
 *
 * @param raw the choice's text exactly as the model returned it
 * @param text the explanation to use and store, cleaned up as the original does (docs/method.md
 *     3.4, 3.5): the token-activation-pair explainer keeps the text as it is (typically a leading
 *     space and a trailing period); the token-space explainer removes one final period
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
