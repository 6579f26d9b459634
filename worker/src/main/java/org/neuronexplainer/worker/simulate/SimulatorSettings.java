package org.neuronexplainer.worker.simulate;

import java.util.Objects;
import org.neuronexplainer.worker.prompt.PromptFormat;

/**
 * What a model-backed simulator is built from.
 *
 * @param model the model the requests name
 * @param format the prompt format; null for the simulator's own ({@link
 *     SimulatorKind#defaultFormat})
 * @param allAtOnceMaxTokens {@code max_tokens} of all-at-once requests: 0 as in the original, 1 for
 *     servers that reject 0 (vLLM); ignored by the other simulators
 */
public record SimulatorSettings(String model, PromptFormat format, int allAtOnceMaxTokens) {

  public SimulatorSettings {
    Objects.requireNonNull(model, "model");
    if (allAtOnceMaxTokens < 0) {
      throw new IllegalArgumentException("max tokens must not be negative");
    }
  }

  /** The simulator's own format, {@code max_tokens} 0. */
  public static SimulatorSettings defaults(String model) {
    return new SimulatorSettings(model, null, 0);
  }

  /** The same settings in {@code format} (null: the simulator's own). */
  public SimulatorSettings withFormat(PromptFormat format) {
    return new SimulatorSettings(model, format, allAtOnceMaxTokens);
  }

  /** The same settings with the all-at-once {@code max_tokens}. */
  public SimulatorSettings withAllAtOnceMaxTokens(int maxTokens) {
    return new SimulatorSettings(model, format, maxTokens);
  }
}
