package org.neuronexplainer.worker.explain;

import java.util.Objects;
import org.neuronexplainer.worker.prompt.PromptFormat;

/**
 * Sampling and prompt settings of a model-backed explainer.
 *
 * @param samples the {@code n} of the request: explanations per call
 * @param maxTokens the completion budget per explanation; also reserved when trimming
 * @param escapeTokens whether tokens (and few-shot explanations) are escaped before they reach the
 *     prompt (docs/method.md 3.2); off by default, as the original writes them raw
 */
public record ExplainerSettings(
    String model,
    PromptFormat format,
    int samples,
    int maxTokens,
    double temperature,
    double topP,
    ContextSize contextSize,
    boolean escapeTokens) {

  /**
   * The original's defaults: 5 samples of at most 60 tokens at temperature 1 (docs/method.md 3.4).
   */
  public static final int DEFAULT_SAMPLES = 5;

  public static final int DEFAULT_MAX_TOKENS = 60;

  public ExplainerSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(contextSize, "contextSize");
    if (samples < 1 || maxTokens < 1) {
      throw new IllegalArgumentException("samples and max tokens must be at least 1");
    }
  }

  /** Settings with tokens written raw. */
  public ExplainerSettings(
      String model,
      PromptFormat format,
      int samples,
      int maxTokens,
      double temperature,
      double topP,
      ContextSize contextSize) {
    this(model, format, samples, maxTokens, temperature, topP, contextSize, false);
  }

  /** The original's sampling defaults for {@code model} in {@code format}, 4K context. */
  public static ExplainerSettings defaults(String model, PromptFormat format) {
    return new ExplainerSettings(
        model, format, DEFAULT_SAMPLES, DEFAULT_MAX_TOKENS, 1.0, 1.0, ContextSize.FOUR_K);
  }

  /** The same settings with {@code n} samples. */
  public ExplainerSettings withSamples(int n) {
    return new ExplainerSettings(
        model, format, n, maxTokens, temperature, topP, contextSize, escapeTokens);
  }

  /** The same settings with token escaping on or off. */
  public ExplainerSettings withEscapeTokens(boolean escape) {
    return new ExplainerSettings(
        model, format, samples, maxTokens, temperature, topP, contextSize, escape);
  }
}
