package org.neuronexplainer.worker.explain;

import java.util.Objects;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * Sampling and prompt settings of a model-backed explainer.
 *
 * @param samples the {@code n} of the request: explanations per call
 * @param maxTokens the completion budget per explanation; also reserved when trimming
 * @param prompts the texts, the few-shot set and the token escaping the prompts are built with
 */
public record ExplainerSettings(
    String model,
    PromptFormat format,
    int samples,
    int maxTokens,
    double temperature,
    double topP,
    ContextSize contextSize,
    PromptInputs prompts) {

  /**
   * The original's defaults: 5 samples of at most 60 tokens at temperature 1 (docs/method.md 3.4).
   */
  public static final int DEFAULT_SAMPLES = 5;

  public static final int DEFAULT_MAX_TOKENS = 60;

  public ExplainerSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(contextSize, "contextSize");
    prompts = prompts == null ? PromptInputs.defaults() : prompts;
    if (samples < 1 || maxTokens < 1) {
      throw new IllegalArgumentException("samples and max tokens must be at least 1");
    }
  }

  /** Settings with the project's texts and the bundled few-shot set. */
  public ExplainerSettings(
      String model,
      PromptFormat format,
      int samples,
      int maxTokens,
      double temperature,
      double topP,
      ContextSize contextSize) {
    this(model, format, samples, maxTokens, temperature, topP, contextSize, null);
  }

  /** The original's sampling defaults for {@code model} in {@code format}, 4K context. */
  public static ExplainerSettings defaults(String model, PromptFormat format) {
    return new ExplainerSettings(
        model, format, DEFAULT_SAMPLES, DEFAULT_MAX_TOKENS, 1.0, 1.0, ContextSize.FOUR_K);
  }

  /** The same settings with {@code n} samples. */
  public ExplainerSettings withSamples(int n) {
    return new ExplainerSettings(
        model, format, n, maxTokens, temperature, topP, contextSize, prompts);
  }

  /** The same settings with prompts built from {@code inputs}. */
  public ExplainerSettings withPrompts(PromptInputs inputs) {
    return new ExplainerSettings(
        model, format, samples, maxTokens, temperature, topP, contextSize, inputs);
  }

  /** Whether tokens (and few-shot explanations) are escaped before they reach the prompt. */
  public boolean escapeTokens() {
    return prompts.escapeTokens();
  }

  /** The same settings with token escaping on or off. */
  public ExplainerSettings withEscapeTokens(boolean escape) {
    return withPrompts(prompts.withEscapeTokens(escape));
  }
}
