package org.neuronexplainer.worker.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.classify.BaselineClassifier;
import org.neuronexplainer.worker.classify.ClassificationScorer;
import org.neuronexplainer.worker.classify.Classifier;
import org.neuronexplainer.worker.classify.ClassifierSettings;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.llm.CallBudget;
import org.neuronexplainer.worker.llm.UsageTotals;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.revise.BaselineReviser;
import org.neuronexplainer.worker.revise.NeuronScores;
import org.neuronexplainer.worker.revise.Refiner;
import org.neuronexplainer.worker.revise.Reviser;
import org.neuronexplainer.worker.score.NeuronScorer;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.calibration.CalibrationMethod;

/**
 * Explain, simulate and score one neuron in one job, the {@code explain-and-score} stage. The three
 * steps run back to back on one worker: a hop through the broker between them would cost a round
 * trip and a commit per neuron, which with the baseline backends is most of the time a neuron
 * takes.
 *
 * <p>Outputs, in order: the run's own results {@code
 * runs/{runId}/explanations/{layer}/{neuron}.jsonl} (in the public layout's format; no other run
 * writes them), then the store's view {@code explanations/{layer}/{neuron}.jsonl} with its source,
 * when the run's publish policy says so ({@link ExplanationView}), then the run's done marker.
 *
 * <p>A run that chose classification scorers ({@link RunSpec#classifiers()}, docs/method.md 15)
 * scores the same explanations with each after simulation, through the job's classifier ({@link
 * NeuronBackends#classifier()}), and writes, after the run's explanations, {@code
 * runs/{runId}/classifications/{scorer}/{layer}/{neuron}.json}; when the view shows the run's
 * explanations, the dataset's {@code classifications/{scorer}/{layer}/{neuron}.json} are written
 * beside them, and the view's files of scorers the run did not choose are removed, so the view's
 * scores always describe the explanations it shows. A scorer that fails (its answers never parsed)
 * fails the neuron with the scorer's reason before anything is written.
 *
 * <p>A run with refinement ({@link RunSpec#refinement()}, docs/method.md 16) has its explainer
 * write k explanations, scores them as above, then runs its revision rounds ({@link Refiner}), each
 * revision scored by every scorer on the same samples; the results and classification files list
 * all explanations in order, and after the classification files it writes {@code
 * runs/{runId}/rounds/{layer}/{neuron}.json}, published to the view's {@code
 * rounds/{layer}/{neuron}.json} with the explanations (a run without refinement that publishes
 * removes the view's). Its marker's score is the simulation score of its best explanation, not the
 * mean. The marker is written last, so a crash before it redoes the neuron rather than leaving
 * results without a marker; the job counts as done only when the marker holds this run's method
 * version. Results the store already holds byte for byte are not written again, so such a redo of a
 * deterministic neuron writes its results once in all. A neuron that fails writes nothing: the view
 * keeps what it showed, with the source that names the run it came from.
 */
public final class ExplainAndScoreHandler implements StageHandler<ExplainAndScoreJob> {

  private final RunRecords records;
  private final RunSpecs specs;
  private final NeuronRecordSource source;
  private final Backends backends;
  private final Duration timeout;
  private final ExplanationView view;
  private final RunBudgets budgets;

  public ExplainAndScoreHandler(
      RunRecords records, NeuronRecordSource source, Backends backends, Duration timeout) {
    this.records = records;
    this.specs = new RunSpecs(records, System::currentTimeMillis);
    this.budgets = new RunBudgets(records, specs, System::currentTimeMillis);
    this.source = source;
    this.backends = backends;
    this.timeout = timeout;
    this.view = new ExplanationView(records, System::currentTimeMillis);
  }

  @Override
  public boolean outputExists(ExplainAndScoreJob job) {
    RunSpec spec = specs.spec(job.header().runId());
    return records
        .done(spec.runId(), job.neuron())
        .map(marker -> marker.methodVersion().equals(spec.methodVersion()))
        .orElse(false);
  }

  @Override
  public JobMetrics run(ExplainAndScoreJob job) {
    String runId = job.header().runId();
    specs.requireActive(runId);
    RunBudgets.Job budget = budgets.open(runId);
    try {
      return run(job, budget == null ? CallBudget.NONE : budget);
    } finally {
      if (budget != null) {
        budget.close();
      }
    }
  }

  private JobMetrics run(ExplainAndScoreJob job, CallBudget budget) {
    String runId = job.header().runId();
    RunSpec spec = specs.spec(runId);
    ExplanationView.policy(spec); // an unknown policy fails the neuron before any LLM call
    NeuronRecord record =
        source
            .record(job.recordKey())
            .orElseThrow(() -> new PermanentException("no NeuronRecord at " + job.recordKey()));
    NeuronBackends backends = this.backends.forNeuron(spec, budget, job.neuron().toString());
    ExplainerInput input = ExplainerInput.of(record);
    List<String> explanations =
        await(backends.explainer().explain(input, backends.transport())).stream()
            .map(Explanation::text)
            .toList();
    Refiner.Scorer scoring = texts -> score(spec, record, texts, backends);
    NeuronScores scores = scoring.score(explanations);
    ExplanationRounds rounds = null;
    if (spec.refinement() != null) {
      Reviser reviser = reviser(spec, backends);
      Refiner.Outcome outcome =
          new Refiner(
                  spec.refinement(),
                  scoring,
                  revision -> await(reviser.revise(revision, backends.transport())))
              .refine(record, input, scores);
      scores = outcome.scores();
      rounds = outcome.rounds();
    }
    NeuronSimulationResults results = scores.simulation();
    List<ClassificationResults> classified = scores.classifications();
    byte[] bytes = DatasetJson.toBytes(results, "results.jsonl");
    Double scored =
        rounds == null ? ExplanationView.meanScore(results.scoredExplanations()) : best(rounds);
    BlobStore store = records.store();
    writeOnce(store, RunRecords.runExplanationKey(runId, job.neuron()), bytes);
    for (ClassificationResults one : classified) {
      writeOnce(
          store,
          RunRecords.runClassificationKey(runId, one.scorer().wireName(), job.neuron()),
          ClassificationJson.toBytes(one));
    }
    if (rounds != null) {
      writeOnce(
          store, RunRecords.runRoundsKey(runId, job.neuron()), ClassificationJson.toBytes(rounds));
    }
    if (view.publish(spec, job.neuron(), bytes, scored)) {
      publishClassifications(spec, job.neuron(), classified);
      publishRounds(spec, job.neuron(), rounds);
    }
    Map<String, Double> byScorer =
        rounds == null
            ? ScorerMeans.byScorer(scored, classified)
            : ScorerMeans.ofBest(rounds, classified);
    records.putDone(
        job.neuron(), new RunRecords.DoneMarker(runId, spec.methodVersion(), scored, byScorer));
    backends.written().run();
    if (backends.account() == null) {
      return new JobMetrics(null, null, null, scored, null, byScorer);
    }
    // This attempt's spend; a failed attempt's is on the LLM meters but not in the run's totals.
    UsageTotals used = backends.account().snapshot();
    return new JobMetrics(
        used.promptTokens(),
        used.completionTokens(),
        used.costUsd(),
        scored,
        used.cachedPromptTokens(),
        byScorer);
  }

  /**
   * {@code explanations} simulated and classified by every scorer the run chose, on the neuron's
   * samples (the same for every explanation).
   */
  private NeuronScores score(
      RunSpec spec, NeuronRecord record, List<String> explanations, NeuronBackends backends) {
    NeuronScorer scorer = new NeuronScorer(SliceParams.paper(), calibration(spec.calibration()));
    NeuronSimulationResults results =
        await(scorer.scoreAll(record, explanations, backends.simulator()));
    return new NeuronScores(results, classify(spec, record, explanations, backends));
  }

  /**
   * The done marker's score of a run with refinement: the simulation score of its best explanation
   * (docs/method.md 16.3), null when it has none.
   */
  private static Double best(ExplanationRounds rounds) {
    RoundExplanation best = rounds.bestExplanation();
    return best == null ? null : best.score(RunSpec.SIMULATION);
  }

  /** The job's reviser; backends made without one revise only a baseline-explained run. */
  private static Reviser reviser(RunSpec spec, NeuronBackends backends) {
    if (backends.reviser() != null) {
      return backends.reviser();
    }
    if (!parsed(() -> ExplainerKind.fromConfigName(spec.explainer())).needsModel()) {
      return new BaselineReviser();
    }
    throw new PermanentException(
        "the run asks for revision rounds and this worker has no reviser for explainer "
            + spec.explainer());
  }

  /**
   * The dataset view's rounds file, once the view shows this run's explanations: this run's when it
   * has refinement, else none (an older one describes other explanations).
   */
  private void publishRounds(RunSpec spec, NeuronId neuron, ExplanationRounds rounds) {
    BlobStore dataset = spec.datasetStore(records.store());
    String key = RunRecords.roundsKey(neuron);
    if (rounds != null) {
      writeOnce(dataset, key, ClassificationJson.toBytes(rounds));
    } else if (dataset.exists(key)) {
      dataset.delete(key);
    }
  }

  /**
   * Each classification scorer the run chose, over the same explanations, in the order chosen; they
   * run concurrently. Any failure fails the neuron.
   */
  private List<ClassificationResults> classify(
      RunSpec spec, NeuronRecord record, List<String> explanations, NeuronBackends backends) {
    List<ClassifierKind> kinds;
    try {
      kinds = spec.classifiers();
    } catch (IllegalArgumentException e) {
      throw new PermanentException(e.getMessage(), e);
    }
    if (kinds.isEmpty()) {
      return List.of();
    }
    Classifier classifier = classifier(spec, backends);
    List<CompletionStage<ClassificationResults>> started = new ArrayList<>();
    for (ClassifierKind kind : kinds) {
      ClassificationScorer scorer =
          new ClassificationScorer(kind, ClassifierSettings.forRun(spec), SliceParams.paper());
      started.add(scorer.scoreAll(record, explanations, classifier));
    }
    List<ClassificationResults> results = new ArrayList<>();
    for (CompletionStage<ClassificationResults> stage : started) {
      results.add(await(stage));
    }
    return results;
  }

  /** The job's classifier; backends made without one classify only a baseline-simulated run. */
  private static Classifier classifier(RunSpec spec, NeuronBackends backends) {
    if (backends.classifier() != null) {
      return backends.classifier();
    }
    if (!parsed(() -> SimulatorKind.fromConfigName(spec.simulator())).needsModel()) {
      return new BaselineClassifier();
    }
    throw new PermanentException(
        "the run asks for the scorers "
            + String.join(",", spec.scorerNames())
            + " and this worker has no classifier for simulator "
            + spec.simulator());
  }

  /**
   * The dataset view's classification files, once the view shows this run's explanations: this
   * run's for each scorer it chose, and none for the others (they scored other explanations).
   */
  private void publishClassifications(
      RunSpec spec, NeuronId neuron, List<ClassificationResults> classified) {
    BlobStore dataset = spec.datasetStore(records.store());
    for (ClassifierKind kind : ClassifierKind.values()) {
      String key = RunRecords.classificationKey(kind.wireName(), neuron);
      ClassificationResults mine =
          classified.stream().filter(one -> one.scorer() == kind).findFirst().orElse(null);
      if (mine != null) {
        writeOnce(dataset, key, ClassificationJson.toBytes(mine));
      } else if (dataset.exists(key)) {
        dataset.delete(key);
      }
    }
  }

  /**
   * Writes the results unless the store holds these very bytes already: a neuron redone after a
   * crash between its results and its marker (a deterministic backend, or an LLM run served by its
   * cache) then writes its results once, not twice.
   */
  private static void writeOnce(BlobStore store, String key, byte[] bytes) {
    if (store.exists(key) && store.get(key).map(old -> Arrays.equals(old, bytes)).orElse(false)) {
      return;
    }
    store.put(key, bytes);
  }

  private static <T> T parsed(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new PermanentException(e.getMessage(), e);
    }
  }

  private static CalibrationMethod calibration(String name) {
    try {
      return CalibrationMethod.fromConfigName(name);
    } catch (IllegalArgumentException e) {
      throw new PermanentException(e.getMessage(), e);
    }
  }

  private <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw JobFailures.classify(e.getCause());
    } catch (TimeoutException e) {
      throw new RetryableException("no result within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("interrupted", e);
    }
  }
}
