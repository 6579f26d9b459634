package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What a run is asked to do; stored at {@code runs/{runId}/spec.json}, read by the coordinator to
 * plan and by workers to pick the run's backends.
 *
 * @param runId letters, digits, '-', '_' and '.'; part of storage keys and event keys
 * @param source where the NeuronRecords come from: {@code store} (already collated under {@code
 *     collated-activations/} of the run's store) or {@code capture} (captured from a model and a
 *     corpus by the run itself, see {@code capture}); default {@code capture} when {@code capture}
 *     is given, else {@code store}
 * @param layers a {@link Selection} such as {@code 0-3,7}, or null (or {@code all}, read as null)
 *     for every layer found
 * @param neurons a {@link Selection} of neuron indices such as {@code 0-99}, or null (or {@code
 *     all}) for all found
 * @param explainer the explainer's config name ({@code baseline}, {@code token-activation-pair},
 *     ...)
 * @param simulator the simulator's config name ({@code baseline}, {@code all-at-once}, ...)
 * @param calibration {@code linear}, {@code percentile}, {@code percentile-midrank} or {@code none}
 * @param llmModel the LLM model for LLM-backed backends, or null
 * @param maxAttempts the attempt budget of every job of the run
 * @param capture what a capture run captures; required with {@code source=capture}, refused with
 *     {@code source=store}; null (absent in the stored JSON) for store runs
 * @param promptTexts the prompt-texts file the run's prompts use; null (absent in older specs) for
 *     the texts the worker has (the project's own unless the worker is configured otherwise)
 * @param explainerFewShot the explainer's few-shot set; null for the explainer's bundled one
 * @param simulatorFewShot the simulator's few-shot set; null for the simulator's bundled one
 * @param escapeTokens whether token text is escaped in prompts; false (absent in older specs)
 *     writes it raw, as the original did
 * @param publish the {@link PublishPolicy} by which the run's results replace the store's {@code
 *     explanations/} view, by config name; null (absent in older specs) reads as {@code latest}
 * @param budgetUsd the most the run may spend on LLM calls, in US dollars, or null for no limit:
 *     once what it spent plus what its calls in flight may cost reaches it, no new call is made and
 *     the run is {@link RunState#PAUSED}; a resume may raise it ({@link RunStatus#budgetUsd()})
 * @param batch whether the run's LLM calls go through the provider's Batch API, at batch prices: a
 *     neuron parks while its calls wait for their batch, and runs again once they are answered;
 *     false (absent in older specs) calls the API synchronously
 * @param simulatorModel the model that simulates, where it is not {@code llmModel} (the worker's
 *     simulator endpoint of its own, or a run's choice); null (absent in older specs) for {@code
 *     llmModel}
 * @param sae the name of the SAE whose latents the run explains: its dataset is the store's folder
 *     {@code saes/{sae}/} ({@link #dataset()}), where the records are read (and, for a capture with
 *     {@link CaptureRun#sae()}, written) and the explanations view is kept; the run's own records
 *     stay under {@code runs/}. Null (absent in older specs) for the model's MLP neurons at the
 *     store's root
 * @param scorers the scorers of the run's explanations, by config name: {@code simulation} first,
 *     then any of {@code detection} and {@code fuzzing} (docs/method.md 15); null (absent in older
 *     specs, and how the default is stored) for {@code simulation} alone, see {@link
 *     #scorerNames()}
 * @param refinement best of k and revision rounds ({@link Refinement}); null (absent in older
 *     specs, and how the default is stored) for the explainer's own explanations, picked by
 *     simulation, see {@link #refinementOrNone()}
 * @param excerptsPerCall how many excerpts the classification scorers send in one call, 1 to
 *     {@value #MAX_EXCERPTS_PER_CALL}; only with a classification scorer; null (absent in older
 *     specs) for the worker's default (10)
 */
public record RunSpec(
    String runId,
    String source,
    String layers,
    String neurons,
    String explainer,
    String simulator,
    String calibration,
    String llmModel,
    int maxAttempts,
    CaptureRun capture,
    RunInput promptTexts,
    RunInput explainerFewShot,
    RunInput simulatorFewShot,
    boolean escapeTokens,
    String publish,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double budgetUsd,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean batch,
    @JsonInclude(JsonInclude.Include.NON_NULL) String simulatorModel,
    @JsonInclude(JsonInclude.Include.NON_NULL) String sae,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> scorers,
    @JsonInclude(JsonInclude.Include.NON_NULL) Refinement refinement,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer excerptsPerCall) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  /** Bumped when a change of the per-neuron code changes its results. */
  public static final String CODE_VERSION = "1";

  /** The explainers a worker has, by config name (the worker's ExplainerKind). */
  public static final List<String> EXPLAINERS =
      List.of("token-activation-pair", "token-space", "baseline");

  /** The simulators a worker has, by config name (the worker's SimulatorKind). */
  public static final List<String> SIMULATORS =
      List.of("all-at-once", "one-at-a-time", "line", "json", "json-multi", "baseline");

  /** The calibrations a worker has, by config name (the worker's CalibrationMethod). */
  public static final List<String> CALIBRATIONS =
      List.of("none", "linear", "percentile", "percentile-midrank");

  /** The most excerpts a classification scorer may send in one call. */
  public static final int MAX_EXCERPTS_PER_CALL = 100;

  /** The scorer every run has, always first in {@link #scorerNames()}. */
  public static final String SIMULATION = "simulation";

  /** The scorers a worker has, by config name: simulation and the classification scorers. */
  public static final List<String> SCORERS = List.of(SIMULATION, "detection", "fuzzing");

  /**
   * Refuses a spec whose explainer, simulator, calibration, publish policy or scorers no worker
   * has, so that a submission fails at once rather than every neuron of the run in the workers.
   * Names are read as the workers read them: trimmed, in any case. Not part of the constructor, so
   * that a stored spec still loads whatever it names.
   */
  public void checkBackends() {
    checkName("explainer", explainer, EXPLAINERS);
    checkName("simulator", simulator, SIMULATORS);
    checkName("calibration", calibration, CALIBRATIONS);
    PublishPolicy.fromConfigName(publish);
    checkScorers(scorerNames());
  }

  /**
   * Refuses a list of scorers that is not {@code simulation} followed by distinct known ones, in
   * the words every command and the API use for it.
   */
  public static void checkScorers(List<String> names) {
    for (String name : names) {
      checkName("scorer", name, SCORERS);
    }
    if (names.isEmpty() || !names.get(0).equals(SIMULATION)) {
      throw new IllegalArgumentException(
          "scorers must start with simulation, which every run scores with, got "
              + String.join(",", names));
    }
    if (new HashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException(
          "scorers name one scorer twice: " + String.join(",", names));
    }
  }

  /** The run's scorers by config name, {@code simulation} first. */
  public List<String> scorerNames() {
    return scorers == null ? List.of(SIMULATION) : scorers;
  }

  /**
   * The classification scorers the run scores with after simulation, in the order given.
   *
   * @throws IllegalArgumentException when the spec names a scorer no worker has
   */
  public List<ClassifierKind> classifiers() {
    return scorerNames().stream()
        .filter(name -> !name.equals(SIMULATION))
        .map(ClassifierKind::fromWireName)
        .toList();
  }

  /**
   * The run's publish policy.
   *
   * @throws IllegalArgumentException when the spec names none a worker has
   */
  public PublishPolicy publishPolicy() {
    return PublishPolicy.fromConfigName(publish);
  }

  private static void checkName(String what, String name, List<String> known) {
    if (!known.contains(name.trim().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "unknown " + what + " \"" + name + "\": expected one of " + String.join(", ", known));
    }
  }

  /**
   * Refuses a malformed run id, in the words every command and the API use for it: a run id names
   * storage keys and URL paths, so it is 1-100 letters, digits, '.', '_' or '-', starting with a
   * letter or digit.
   */
  public static void checkRunId(String runId) {
    if (runId == null || !ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(
          "malformed run id '"
              + runId
              + "': a run id is 1-100 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
  }

  public RunSpec {
    checkRunId(runId);
    source = source == null ? (capture == null ? "store" : "capture") : source;
    if (!source.equals("store") && !source.equals("capture")) {
      throw new IllegalArgumentException("source must be store or capture, got '" + source + "'");
    }
    if (source.equals("capture") && capture == null) {
      throw new IllegalArgumentException(
          "source=capture needs capture settings: at least capture.model and capture.corpus");
    }
    if (source.equals("store") && capture != null) {
      throw new IllegalArgumentException(
          "capture settings were given but source is store; use source=capture");
    }
    layers = selection(layers, "layers");
    neurons = selection(neurons, "neurons");
    explainer = Objects.requireNonNullElse(explainer, "baseline");
    simulator = Objects.requireNonNullElse(simulator, "baseline");
    calibration = Objects.requireNonNullElse(calibration, "linear");
    publish = Objects.requireNonNullElse(publish, PublishPolicy.DEFAULT.configName());
    if (maxAttempts == 0) {
      maxAttempts = 3;
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("maxAttempts must be in 1..100, got " + maxAttempts);
    }
    checkBudget(budgetUsd);
    simulatorModel =
        simulatorModel == null || simulatorModel.isBlank() ? null : simulatorModel.strip();
    sae = sae == null || sae.isBlank() ? null : DatasetSubject.checkSaeName(sae.strip());
    if (capture != null && capture.capturesSae() && sae == null) {
      throw new IllegalArgumentException(
          "capture.sae needs the SAE's name (sae), the folder saes/{name}/ its latents go to");
    }
    scorers = scorers(scorers);
    refinement = refinement == null || refinement.isDefault() ? null : refinement;
    // The fields are set only after this body: the chosen scorers are read from the parameter.
    List<String> chosen = scorers == null ? List.of(SIMULATION) : scorers;
    checkExcerptsPerCall(excerptsPerCall, chosen);
    if (refinement != null && !chosen.contains(refinement.selectBy())) {
      throw new IllegalArgumentException(
          "the best explanation is picked by "
              + refinement.selectBy()
              + ", which is not one of the run's scorers ("
              + String.join(",", chosen)
              + "): add it to the scorers");
    }
    if (capture != null && !capture.capturesSae() && sae != null) {
      throw new IllegalArgumentException(
          "sae "
              + sae
              + " was given for a capture of the model's MLP neurons; give capture.sae, the SAE's"
              + " directory, too");
    }
  }

  /**
   * The folder of the store that holds the run's dataset (records, token tables, the explanations
   * view): {@code ""} for the model's MLP neurons, {@code saes/{sae}/} for an SAE's latents.
   */
  public String dataset() {
    return sae == null ? "" : DatasetSubject.saeFolder(sae);
  }

  /** The run's dataset in {@code store}: the store itself, or its SAE folder. */
  public BlobStore datasetStore(BlobStore store) {
    return sae == null ? store : store.under(dataset());
  }

  /**
   * Refuses a number of excerpts per call out of range, or given to a run without a classification
   * scorer, in the words every command and the API use for it; null (the default) passes.
   */
  public static void checkExcerptsPerCall(Integer count, List<String> scorers) {
    if (count == null) {
      return;
    }
    if (count < 1 || count > MAX_EXCERPTS_PER_CALL) {
      throw new IllegalArgumentException(
          "excerpts per call must be 1 to " + MAX_EXCERPTS_PER_CALL + ", got " + count);
    }
    if (scorers.stream().allMatch(SIMULATION::equals)) {
      throw new IllegalArgumentException(
          "excerpts per call set the calls of detection and fuzzing, and the run scores by "
              + String.join(",", scorers)
              + " alone: add detection or fuzzing to the scorers");
    }
  }

  /**
   * Refuses a budget that is not a positive number of US dollars, in the words every command and
   * the API use for it; null (no budget) passes.
   */
  public static void checkBudget(Double budgetUsd) {
    if (budgetUsd != null && !(budgetUsd > 0 && Double.isFinite(budgetUsd))) {
      throw new IllegalArgumentException(
          "budget must be a positive number of US dollars, such as 5 or 0.25, got " + budgetUsd);
    }
  }

  /** Normalised scorer names (trimmed, lower case); null for the default, simulation alone. */
  private static List<String> scorers(List<String> names) {
    if (names == null) {
      return null;
    }
    List<String> normal =
        names.stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
    return normal.equals(List.of(SIMULATION)) ? null : normal;
  }

  /**
   * A run with every later field at its default: no capture settings, the prompts' default inputs,
   * the default publish policy, no budget, no batching, simulated by {@code llmModel}. The {@code
   * with*} methods set the rest.
   */
  public RunSpec(
      String runId,
      String source,
      String layers,
      String neurons,
      String explainer,
      String simulator,
      String calibration,
      String llmModel,
      int maxAttempts) {
    this(
        runId,
        source,
        layers,
        neurons,
        explainer,
        simulator,
        calibration,
        llmModel,
        maxAttempts,
        null,
        null,
        null,
        null,
        false,
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * The same spec capturing its NeuronRecords with {@code settings} ({@code source=capture}), or,
   * with null, reading them from the store ({@code source=store}).
   */
  public RunSpec withCapture(CaptureRun settings) {
    return copy(
        c -> {
          c.source = settings == null ? "store" : "capture";
          c.capture = settings;
        });
  }

  /** The same spec with {@code inputs} and {@code escape} for its prompts. */
  public RunSpec withPrompts(
      RunInput texts, RunInput explainerSet, RunInput simulatorSet, boolean escape) {
    return copy(
        c -> {
          c.promptTexts = texts;
          c.explainerFewShot = explainerSet;
          c.simulatorFewShot = simulatorSet;
          c.escapeTokens = escape;
        });
  }

  /** The same spec with the publish policy named {@code policy}. */
  public RunSpec withPublish(String policy) {
    return copy(c -> c.publish = policy);
  }

  /** The same spec with a budget of {@code usd} US dollars (null for none). */
  public RunSpec withBudget(Double usd) {
    return copy(c -> c.budgetUsd = usd);
  }

  /** The same spec with its LLM calls sent through the Batch API, or not. */
  public RunSpec withBatch(boolean batched) {
    return copy(c -> c.batch = batched);
  }

  /** The same spec explaining the latents of the SAE named {@code name} (null: MLP neurons). */
  public RunSpec withSae(String name) {
    return copy(c -> c.sae = name);
  }

  /** The same spec simulated by {@code model} (null or blank: by {@code llmModel}). */
  public RunSpec withSimulatorModel(String model) {
    return copy(c -> c.simulatorModel = model);
  }

  /**
   * The same spec scored by {@code names} ({@code simulation} first; null for simulation alone).
   */
  public RunSpec withScorers(List<String> names) {
    return copy(c -> c.scorers = names);
  }

  /** The same spec with best of k and revision rounds as {@code settings} (null: none). */
  public RunSpec withRefinement(Refinement settings) {
    return copy(c -> c.refinement = settings);
  }

  /** The same spec whose classification scorers send {@code count} excerpts a call (null: 10). */
  public RunSpec withExcerptsPerCall(Integer count) {
    return copy(c -> c.excerptsPerCall = count);
  }

  /** The run's refinement settings, {@link Refinement#none()} when it asks for none. */
  public Refinement refinementOrNone() {
    return refinement == null ? Refinement.none() : refinement;
  }

  /** This spec with what {@code change} sets changed, checked as a new spec is. */
  private RunSpec copy(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** A spec's fields, to be changed and built into another spec. */
  private static final class Copy {
    private final RunSpec from;
    String source;
    CaptureRun capture;
    RunInput promptTexts;
    RunInput explainerFewShot;
    RunInput simulatorFewShot;
    boolean escapeTokens;
    String publish;
    Double budgetUsd;
    boolean batch;
    String simulatorModel;
    String sae;
    List<String> scorers;
    Refinement refinement;
    Integer excerptsPerCall;

    Copy(RunSpec from) {
      this.from = from;
      source = from.source;
      capture = from.capture;
      promptTexts = from.promptTexts;
      explainerFewShot = from.explainerFewShot;
      simulatorFewShot = from.simulatorFewShot;
      escapeTokens = from.escapeTokens;
      publish = from.publish;
      budgetUsd = from.budgetUsd;
      batch = from.batch;
      simulatorModel = from.simulatorModel;
      sae = from.sae;
      scorers = from.scorers;
      refinement = from.refinement;
      excerptsPerCall = from.excerptsPerCall;
    }

    RunSpec build() {
      return new RunSpec(
          from.runId,
          source,
          from.layers,
          from.neurons,
          from.explainer,
          from.simulator,
          from.calibration,
          from.llmModel,
          from.maxAttempts,
          capture,
          promptTexts,
          explainerFewShot,
          simulatorFewShot,
          escapeTokens,
          publish,
          budgetUsd,
          batch,
          simulatorModel,
          sae,
          scorers,
          refinement,
          excerptsPerCall);
    }
  }

  /** The same spec with the inputs' contents left out, as it is stored. */
  public RunSpec withoutInputContents() {
    return withPrompts(
        promptTexts == null ? null : promptTexts.withoutContent(),
        explainerFewShot == null ? null : explainerFewShot.withoutContent(),
        simulatorFewShot == null ? null : simulatorFewShot.withoutContent(),
        escapeTokens);
  }

  private static String selection(String text, String field) {
    if (text == null || (!text.isBlank() && Selection.isAll(text))) {
      return null;
    }
    Selection.parse(text, field);
    return text.strip();
  }

  /** True when the run captures its own NeuronRecords. */
  public boolean captures() {
    return source.equals("capture");
  }

  /**
   * The method a result was made with: a result made by another method (a new explainer, another
   * calibration, a code change) is not this run's output, so a job is not skipped because of it.
   */
  public String methodVersion() {
    String version =
        String.join(
            "|",
            "v" + CODE_VERSION,
            explainer,
            simulator,
            calibration,
            llmModel == null ? "-" : llmModel);
    // Added only when set, so that a run with the defaults keeps the version it always had.
    for (RunInput input : new RunInput[] {promptTexts, explainerFewShot, simulatorFewShot}) {
      version += input == null ? "" : "|" + input.sha256().substring(0, 12);
    }
    version = escapeTokens ? version + "|escaped" : version;
    // Added only when another model simulates, so that every older spec keeps its version.
    version =
        simulatorModel == null || simulatorModel.equals(llmModel)
            ? version
            : version + "|simulator=" + simulatorModel;
    // Added only when a scorer besides simulation is chosen, for the same reason.
    version = scorers == null ? version : version + "|scorers=" + String.join(",", scorers);
    version = refinement == null ? version : version + "|" + refinement.version();
    return excerptsPerCall == null ? version : version + "|excerpts=" + excerptsPerCall;
  }
}
