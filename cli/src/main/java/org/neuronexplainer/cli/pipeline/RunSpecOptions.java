package org.neuronexplainer.cli.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.cli.SelectionFlag;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.explain.PromptOptions;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.hub.HubSaeRef;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.PublishPolicy;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.texts.PromptInputs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that make a {@link RunSpec}, shared by {@code run} and {@code submit} so that both
 * take the same flags with the same help and the same checks.
 */
public final class RunSpecOptions {

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "the run's id (default: run-DATE-TIME-xxxxxx)")
  String runId;

  @Option(
      names = "--layers",
      paramLabel = "SPEC",
      description = "layers to run: all, 5, 0,2 or 0-3,7 (default: all found)")
  String layers;

  @Option(
      names = "--neurons",
      paramLabel = "SPEC",
      description = "neuron indices to run: all, 5, 0,2 or 0-99 (default: all found)")
  String neurons;

  @Option(
      names = "--explainer",
      defaultValue = "baseline",
      description = "token-activation-pair, token-space or baseline (default: ${DEFAULT-VALUE})")
  String explainer;

  @Option(
      names = "--simulator",
      defaultValue = "baseline",
      description =
          "all-at-once, one-at-a-time, line, json, json-multi or baseline (default: ${DEFAULT-VALUE})")
  String simulator;

  @Option(
      names = "--calibration",
      defaultValue = "linear",
      description = "linear, percentile, percentile-midrank or none (default: ${DEFAULT-VALUE})")
  String calibration;

  @Mixin PromptOptions prompts;

  @Option(
      names = "--scorers",
      paramLabel = "NAMES",
      split = ",",
      defaultValue = "simulation",
      description =
          "how each explanation is scored, in this order: simulation (always, first), then"
              + " detection (does the neuron fire on an excerpt?) and fuzzing (are the highlighted"
              + " tokens the ones that fire?), each written under classifications/SCORER/ beside"
              + " explanations/, through the simulator's model, or without one with the baseline"
              + " simulator (default: ${DEFAULT-VALUE})")
  List<String> scorers;

  @Option(
      names = "--excerpts-per-call",
      paramLabel = "N",
      description =
          "how many excerpts detection and fuzzing send to the model in one call, 1 to "
              + RunSpec.MAX_EXCERPTS_PER_CALL
              + "; fewer repeat the instructions more often, more make longer answers"
              + " (default: 10)")
  Integer excerptsPerCall;

  @Option(
      names = "--explanations",
      paramLabel = "K",
      description =
          "how many explanations the explainer writes per neuron, 1 to "
              + Refinement.MAX_EXPLANATIONS
              + ": each is scored and kept, and the best by --select-by is marked (default: the"
              + " explainer's own, 5 for a model-backed explainer and 1 for the baseline)")
  Integer explanations;

  @Option(
      names = "--revisions",
      paramLabel = "R",
      defaultValue = "0",
      description =
          "the most revision rounds per neuron, 0 to "
              + Refinement.MAX_REVISIONS
              + ": in each the explainer sees its best explanation with the excerpts the scorers"
              + " got wrong and writes a revised one, scored and kept as best when it scores"
              + " higher by --select-by; every round is written under rounds/ (default:"
              + " ${DEFAULT-VALUE}, none)")
  int revisions;

  @Option(
      names = "--select-by",
      paramLabel = "SCORER",
      defaultValue = RunSpec.SIMULATION,
      description =
          "the scorer whose score picks the best explanation: simulation, detection or fuzzing,"
              + " one of --scorers (default: ${DEFAULT-VALUE})")
  String selectBy;

  @Option(
      names = "--max-attempts",
      defaultValue = "3",
      description = "attempt budget per job (default: ${DEFAULT-VALUE})")
  int maxAttempts;

  @Option(
      names = "--publish",
      paramLabel = "POLICY",
      defaultValue = "latest",
      description =
          "when the run's results replace the store's explanations/ view (each run keeps its own"
              + " under runs/ID/explanations/): latest (this run's), best (only a higher mean"
              + " score) or none (default: ${DEFAULT-VALUE})")
  String publish;

  @Option(
      names = "--sae",
      paramLabel = "[NAME=]DIR|[NAME=]hf:REPO/FOLDER|NAME",
      description =
          "explain a sparse autoencoder's latents instead of the model's MLP neurons. With a"
              + " capture (--capture, --model): the SAE's directory (SAELens layout: cfg.json,"
              + " sae_weights.safetensors) or an SAE on the hub as"
              + " hf:owner/repo/folder[@revision], named NAME or after the (last) folder; its"
              + " latents are captured at its hook into the store's folder saes/NAME/. Without a"
              + " capture: the NAME of an SAE already captured there.")
  String sae;

  @Option(
      names = "--batch-api",
      description =
          "send the run's LLM calls through the provider's Batch API, at batch prices (half the"
              + " synchronous ones on OpenAI and Azure OpenAI): a neuron waits, parked, while its"
              + " calls are in a batch, which may take up to 24 hours (default: synchronous calls)")
  boolean batch;

  @Option(
      names = "--budget",
      paramLabel = "USD",
      description =
          "the most the run may spend on LLM calls, in US dollars (default: no limit); once what"
              + " it spent plus what its calls in flight may cost reaches it, the run pauses, and"
              + " a resume with a higher --budget goes on")
  String budget;

  /** The budget given with {@code --budget}, or null; a bad one is a user error. */
  Double budget() {
    return parseBudget(budget);
  }

  /** A {@code --budget} value: a positive number of US dollars; null when not given. */
  static Double parseBudget(String text) {
    if (text == null) {
      return null;
    }
    String bare = text.strip();
    bare = bare.startsWith("$") ? bare.substring(1) : bare;
    try {
      double usd = Double.parseDouble(bare);
      RunSpec.checkBudget(usd);
      return usd;
    } catch (IllegalArgumentException e) {
      throw new UserException(
          "--budget: expected a positive number of US dollars, such as 5 or 0.25, got '"
              + text
              + "'",
          2);
    }
  }

  /** The prompt inputs the spec's files make, as a worker reads them from the store. */
  PromptInputs promptInputs() {
    try {
      return prompts
          .read(ExplainerKind.fromConfigName(explainer), SimulatorKind.fromConfigName(simulator))
          .inputs();
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
  }

  /** The id given with {@code --run-id}, or null. */
  String runId() {
    return runId;
  }

  /** True when the explainer or the simulator calls an LLM; an unknown name is a user error. */
  boolean needsLlmModel() {
    try {
      return ExplainerKind.fromConfigName(explainer).needsModel()
          || SimulatorKind.fromConfigName(simulator).needsModel();
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
  }

  /**
   * Checks {@code --run-id}, {@code --layers}, {@code --neurons}, {@code --publish}, {@code
   * --scorers} and the refinement's flags ({@link #refinement()}), with the messages every command
   * gives for them, so that an error names the flag rather than the spec's field.
   */
  void checkSelections() {
    if (runId != null) {
      ApiCommands.checkRunId(runId, "--run-id: ");
    }
    SelectionFlag.check(layers, "--layers");
    SelectionFlag.check(neurons, "--neurons");
    try {
      PublishPolicy.fromConfigName(publish);
    } catch (IllegalArgumentException e) {
      throw new UserException("--publish: " + e.getMessage(), 2);
    }
    try {
      RunSpec.checkScorers(scorers());
    } catch (IllegalArgumentException e) {
      throw new UserException("--scorers: " + e.getMessage(), 2);
    }
    try {
      RunSpec.checkExcerptsPerCall(excerptsPerCall, scorers());
    } catch (IllegalArgumentException e) {
      throw new UserException("--excerpts-per-call: " + e.getMessage(), 2);
    }
    refinement();
  }

  /**
   * The refinement {@code --explanations}, {@code --revisions} and {@code --select-by} ask for
   * (docs/method.md 16), null for none; a bad value is a user error naming the flag and what to do.
   */
  Refinement refinement() {
    String by = selectBy.strip().toLowerCase(Locale.ROOT);
    try {
      new Refinement(explanations, 0, null);
    } catch (IllegalArgumentException e) {
      throw new UserException("--explanations: " + e.getMessage(), 2);
    }
    try {
      new Refinement(null, revisions, null);
    } catch (IllegalArgumentException e) {
      throw new UserException("--revisions: " + e.getMessage(), 2);
    }
    try {
      new Refinement(null, 0, by);
    } catch (IllegalArgumentException e) {
      throw new UserException("--select-by: " + e.getMessage(), 2);
    }
    if (!scorers().contains(by)) {
      throw new UserException(
          "--select-by "
              + by
              + ": add "
              + by
              + " to --scorers (the run scores by "
              + String.join(",", scorers())
              + ", and the best explanation is picked by one of them)",
          2);
    }
    Refinement refinement = new Refinement(explanations, revisions, by);
    return refinement.isDefault() ? null : refinement;
  }

  /** The scorers given with {@code --scorers}, trimmed and in lower case, as a spec keeps them. */
  List<String> scorers() {
    return scorers.stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * The spec these options ask for; a bad value is a user error naming the flag or the spec's
   * field.
   *
   * @param id the run's id (the given one or a fresh one)
   * @param llmModel the model of LLM-backed backends, or null
   * @param capture what the run captures, or null for a run over the store
   */
  RunSpec spec(String id, String llmModel, CaptureRun capture) {
    needsLlmModel();
    checkSelections();
    Double usd = budget();
    String saeName = null;
    if (sae != null) {
      SaeFlag flag = SaeFlag.parse(sae, capture != null);
      saeName = flag.name();
      capture = capture == null ? null : capture.withSae(flag.directory());
    }
    try {
      RunSpec spec =
          new RunSpec(
                  id,
                  null,
                  layers,
                  neurons,
                  explainer,
                  simulator,
                  calibration,
                  llmModel,
                  maxAttempts)
              .withSae(saeName)
              .withCapture(capture);
      // The files go with the spec: the store keeps them beside it, so every worker reads them.
      PromptOptions.Chosen chosen =
          prompts.read(
              ExplainerKind.fromConfigName(explainer), SimulatorKind.fromConfigName(simulator));
      return spec.withPrompts(
              chosen.texts(), chosen.explainerSet(), chosen.simulatorSet(), prompts.escapeTokens())
          .withPublish(PublishPolicy.fromConfigName(publish).configName())
          .withBudget(usd)
          .withBatch(batch)
          .withScorers(scorers())
          .withRefinement(refinement())
          .withExcerptsPerCall(excerptsPerCall);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
  }

  /**
   * What {@code --sae} names: the SAE's name, and its directory when the run captures.
   *
   * @param directory absolute when it exists here (a local run's workers read it), else as given (a
   *     coordinator elsewhere reads it; an SAE on the hub, {@code hf:...}, always as given); null
   *     without a capture
   */
  record SaeFlag(String name, String directory) {
    static SaeFlag parse(String value, boolean capturing) {
      String text = value.strip();
      int eq = text.indexOf('=');
      String name = eq < 0 ? null : text.substring(0, eq).strip();
      String path = eq < 0 ? text : text.substring(eq + 1).strip();
      if (!capturing) {
        if (eq >= 0 || path.contains("/")) {
          throw new UserException(
              "--sae "
                  + value
                  + ": without a capture (--capture, --model) give the NAME of an SAE dataset"
                  + " already in the store's saes/ folder; a directory is for a capture run",
              2);
        }
        return new SaeFlag(checked(path, value), null);
      }
      if (path.isEmpty()) {
        throw new UserException("--sae " + value + ": no SAE directory given", 2);
      }
      if (HubSaeRef.isRef(path)) {
        // As given: whoever captures (this process for `run`, the workers) downloads it.
        try {
          HubSaeRef ref = HubSaeRef.parse(path);
          return new SaeFlag(checked(name == null ? ref.defaultName() : name, value), path);
        } catch (IllegalArgumentException e) {
          throw new UserException("--sae " + value + ": " + e.getMessage(), 2);
        }
      }
      Path dir = Path.of(path);
      if (name == null) {
        Path last = dir.toAbsolutePath().normalize().getFileName();
        name = last == null ? "" : last.toString();
      }
      String directory =
          Files.isDirectory(dir) ? dir.toAbsolutePath().normalize().toString() : path;
      return new SaeFlag(checked(name, value), directory);
    }

    private static String checked(String name, String value) {
      try {
        return DatasetSubject.checkSaeName(name);
      } catch (IllegalArgumentException e) {
        throw new UserException(
            "--sae " + value + ": " + e.getMessage() + " (NAME=DIR names it)", 2);
      }
    }
  }
}
