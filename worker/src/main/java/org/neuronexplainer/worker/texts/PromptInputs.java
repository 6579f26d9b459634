package org.neuronexplainer.worker.texts;

import java.util.Objects;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotSet;

/**
 * What a run's prompts are made from besides the neuron's data, carried to where explainers and
 * simulators are built.
 *
 * @param texts the fixed texts
 * @param explainerExamples the explainer's few-shot set; null for the explainer's bundled one
 * @param simulatorExamples the simulator's few-shot set; null for the simulator's bundled one
 * @param escapeTokens whether token text is escaped in prompts (docs/llm.md): off writes tokens
 *     raw, as the original did
 */
public record PromptInputs(
    PromptTexts texts,
    FewShotExamples explainerExamples,
    FewShotExamples simulatorExamples,
    boolean escapeTokens) {

  public PromptInputs {
    Objects.requireNonNull(texts, "texts");
  }

  /** The project's texts, each backend's bundled few-shot set, raw tokens. */
  public static PromptInputs defaults() {
    return new PromptInputs(PromptTexts.defaults(), null, null, false);
  }

  /** The explainer's few-shot set: the given one, else {@code bundled}. */
  public FewShotExamples explainerExamples(FewShotSet bundled) {
    return explainerExamples != null ? explainerExamples : bundled.examples();
  }

  /** The simulator's few-shot set: the given one, else {@code bundled}. */
  public FewShotExamples simulatorExamples(FewShotSet bundled) {
    return simulatorExamples != null ? simulatorExamples : bundled.examples();
  }

  /** The same inputs with token escaping on or off. */
  public PromptInputs withEscapeTokens(boolean escape) {
    return new PromptInputs(texts, explainerExamples, simulatorExamples, escape);
  }
}
