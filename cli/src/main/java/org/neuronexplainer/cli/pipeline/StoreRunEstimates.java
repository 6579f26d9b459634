package org.neuronexplainer.cli.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.runs.RunEstimates;
import org.neuronexplainer.worker.estimate.RunEstimator;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotFile;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.LlmBackends;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The coordinator's {@code POST /api/runs/estimate}: {@code run --dry-run}'s count over the
 * coordinator's store, with prompts built from the submitted spec's input files as a worker builds
 * them from the stored ones, and the LLM settings of the coordinator's environment, which should be
 * the workers'.
 */
final class StoreRunEstimates implements RunEstimates {

  private final BlobStore store;
  private final LlmConfig llm;
  private final int allAtOnceMaxTokens;
  private final PromptTexts workerTexts;

  StoreRunEstimates(
      BlobStore store, LlmConfig llm, int allAtOnceMaxTokens, PromptTexts workerTexts) {
    this.store = store;
    this.llm = llm;
    this.allAtOnceMaxTokens = allAtOnceMaxTokens;
    this.workerTexts = workerTexts;
  }

  /**
   * Reads the workers' settings from {@code env}: the {@code LLM_*} variables, {@code
   * WORKER_PROMPT_TEXTS} and {@code WORKER_ALL_AT_ONCE_MAX_TOKENS}.
   *
   * @throws IllegalArgumentException naming a variable with a bad value
   */
  static StoreRunEstimates fromEnv(Map<String, String> vars, BlobStore store) {
    Env env = new Env(vars);
    return new StoreRunEstimates(
        store,
        LlmConfig.fromEnv(vars),
        env.integer("WORKER_ALL_AT_ONCE_MAX_TOKENS", 0, 0, 1),
        env.parsed(
            "WORKER_PROMPT_TEXTS", PromptTexts.defaults(), v -> PromptTexts.read(Path.of(v))));
  }

  @Override
  public RunEstimate estimate(RunSpec spec, List<NeuronId> plan) {
    boolean needsModel =
        ExplainerKind.fromConfigName(spec.explainer()).needsModel()
            || SimulatorKind.fromConfigName(spec.simulator()).needsModel();
    if (needsModel && LlmBackends.model(spec, llm).isBlank()) {
      throw new IllegalArgumentException(
          "the spec names no llmModel and the coordinator has no LLM_MODEL: name the model the"
              + " workers will call");
    }
    RunEstimator.Tally tally = new RunEstimator(llm, allAtOnceMaxTokens).tally(spec, inputs(spec));
    return DryRun.count(tally, plan, store, null);
  }

  /** The prompt inputs a worker reads for {@code spec} once it is stored (see RunPrompts). */
  private PromptInputs inputs(RunSpec spec) {
    RunInput texts = spec.promptTexts();
    return new PromptInputs(
        texts == null || texts.content() == null
            ? workerTexts
            : PromptTexts.parse(bytes(texts), texts.name()),
        fewShot(spec.explainerFewShot()),
        fewShot(spec.simulatorFewShot()),
        spec.escapeTokens());
  }

  private static FewShotExamples fewShot(RunInput input) {
    return input == null || input.content() == null
        ? null
        : FewShotFile.parse(bytes(input), input.name());
  }

  private static byte[] bytes(RunInput input) {
    return input.content().getBytes(StandardCharsets.UTF_8);
  }
}
