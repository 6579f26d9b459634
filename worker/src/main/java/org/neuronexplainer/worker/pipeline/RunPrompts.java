package org.neuronexplainer.worker.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotFile;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A run's {@link PromptInputs}, read once per run from the files stored beside its spec and checked
 * against the hashes the spec recorded. A run that names no texts gets the worker's; one that names
 * no few-shot set gets each backend's bundled set. A file that is missing, altered or invalid fails
 * the run's jobs permanently: every attempt would read the same bytes.
 */
final class RunPrompts {

  private final RunRecords records;
  private final PromptTexts workerTexts;
  private final Map<String, PromptInputs> runs = new ConcurrentHashMap<>();

  RunPrompts(RunRecords records, PromptTexts workerTexts) {
    this.records = records;
    this.workerTexts = workerTexts;
  }

  PromptInputs forRun(RunSpec spec) {
    return runs.computeIfAbsent(spec.runId(), id -> read(spec));
  }

  private PromptInputs read(RunSpec spec) {
    try {
      byte[] texts = bytes(spec, RunRecords.PROMPT_TEXTS_FILE, spec.promptTexts());
      return new PromptInputs(
          texts == null ? workerTexts : PromptTexts.parse(texts, key(spec, "prompt-texts.json")),
          fewShot(spec, RunRecords.EXPLAINER_FEW_SHOT_FILE, spec.explainerFewShot()),
          fewShot(spec, RunRecords.SIMULATOR_FEW_SHOT_FILE, spec.simulatorFewShot()),
          spec.escapeTokens());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new PermanentException("run " + spec.runId() + ": " + e.getMessage(), e);
    }
  }

  private FewShotExamples fewShot(RunSpec spec, String file, RunInput recorded) {
    byte[] bytes = bytes(spec, file, recorded);
    return bytes == null ? null : FewShotFile.parse(bytes, key(spec, file));
  }

  /** The stored file; null when the spec names none or a default one stored by name only. */
  private byte[] bytes(RunSpec spec, String file, RunInput recorded) {
    if (recorded == null) {
      return null;
    }
    return records
        .input(spec.runId(), file, recorded)
        .orElseGet(
            () -> {
              if (recorded.name().startsWith("default")) {
                return null;
              }
              throw new IllegalStateException(key(spec, file) + " is missing from the store");
            });
  }

  private static String key(RunSpec spec, String file) {
    return RunRecords.inputKey(spec.runId(), file);
  }
}
