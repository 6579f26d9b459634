package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The run records in a store and their keys: {@code runs/{runId}/spec.json}, {@code status.json},
 * {@code plan.json} (the planned neurons), {@code published/jobs.json} (the broker holds the run's
 * first jobs), {@code done/{layer}/{neuron}.json} (the marker that a neuron's results were written
 * by this run's method) and the files its prompts were built from, {@code prompt-texts.json},
 * {@code explainer-few-shot.json} and {@code simulator-few-shot.json} (see {@link RunInput}),
 * {@code failures.jsonl} (the neurons failed now, with their reasons), {@code requeued/*.json}
 * (re-queued work whose jobs the broker has not acknowledged yet) and {@code
 * explanations/{layer}/{neuron}.jsonl} (the run's own results, in the public layout's format).
 * Beside the runs: the public layout's view {@code explanations/{layer}/{neuron}.jsonl}, which a
 * run replaces by its {@link PublishPolicy}, and {@code explanation-sources/{layer}/{neuron}.json}
 * (the {@link ExplanationSource} of each view file). Thread-safe.
 */
public final class RunRecords {

  private static final String RUNS = "runs/";

  /** The stored file of {@link RunSpec#promptTexts()}. */
  public static final String PROMPT_TEXTS_FILE = "prompt-texts.json";

  /** The stored file of {@link RunSpec#explainerFewShot()}. */
  public static final String EXPLAINER_FEW_SHOT_FILE = "explainer-few-shot.json";

  /** The stored file of {@link RunSpec#simulatorFewShot()}. */
  public static final String SIMULATOR_FEW_SHOT_FILE = "simulator-few-shot.json";

  private final ObjectMapper mapper =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final BlobStore store;

  public RunRecords(BlobStore store) {
    this.store = store;
  }

  public BlobStore store() {
    return store;
  }

  public static String specKey(String runId) {
    return RUNS + runId + "/spec.json";
  }

  /** Where a worker records that it refused a call of the run for its budget. */
  public static String budgetReachedKey(String runId) {
    return RUNS + runId + "/budget-reached.json";
  }

  /** Where the batcher of batch runs keeps the run's {@link BatchSummary}. */
  public static String batchSummaryKey(String runId) {
    return RUNS + runId + "/batches.json";
  }

  public static String statusKey(String runId) {
    return RUNS + runId + "/status.json";
  }

  public static String planKey(String runId) {
    return RUNS + runId + "/plan.json";
  }

  /**
   * The marker that the broker acknowledged a run's first jobs (one per planned neuron, or a
   * capture run's capture and weights jobs): a running run without it has jobs to publish.
   */
  public static String publishedKey(String runId) {
    return RUNS + runId + "/published/jobs.json";
  }

  /**
   * Where re-queued work waits until the broker acknowledged its jobs, one {@link RequeuedWork} a
   * file: present means the jobs may not have gone out.
   */
  public static String requeuedPrefix(String runId) {
    return RUNS + runId + "/requeued/";
  }

  /** The key of one of a run's input files, such as {@link #PROMPT_TEXTS_FILE}. */
  public static String inputKey(String runId, String file) {
    return RUNS + runId + "/" + file;
  }

  /** The run's failed neurons, one {@link RunFailure} a line, rewritten whole as they change. */
  public static String failuresKey(String runId) {
    return RUNS + runId + "/failures.jsonl";
  }

  public static String doneKey(String runId, NeuronId neuron) {
    return RUNS + runId + "/done/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".json";
  }

  /** The public layout's NeuronRecord key. */
  public static String recordKey(NeuronId neuron) {
    return "collated-activations/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".json";
  }

  /**
   * The public layout's explanations key at the store's root: the view, holding for each neuron the
   * results of the run its {@link ExplanationSource} names.
   */
  public static String explanationKey(NeuronId neuron) {
    return "explanations/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".jsonl";
  }

  /**
   * A run's own results for a neuron, in the public layout's format under the run: no later run
   * writes them.
   */
  public static String runExplanationKey(String runId, NeuronId neuron) {
    return RUNS + runId + "/" + explanationKey(neuron);
  }

  /**
   * A neuron's results under the classification scorer {@code scorer} ({@code detection} or {@code
   * fuzzing}, docs/method.md 15.5), beside {@code explanations/}: in a dataset, the view, showing
   * the scores of the explanations the view shows.
   */
  public static String classificationKey(String scorer, NeuronId neuron) {
    return "classifications/"
        + scorer
        + "/"
        + neuron.layerIndex()
        + "/"
        + neuron.neuronIndex()
        + ".json";
  }

  /** A run's own results for a neuron under a classification scorer: no later run writes them. */
  public static String runClassificationKey(String runId, String scorer, NeuronId neuron) {
    return RUNS + runId + "/" + classificationKey(scorer, neuron);
  }

  /**
   * A neuron's explanation rounds (docs/method.md 16.3): which round each explanation came from and
   * which is best. In a dataset, the view's, describing the explanations the view shows.
   */
  public static String roundsKey(NeuronId neuron) {
    return "rounds/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".json";
  }

  /** A run's own explanation rounds for a neuron: no later run writes them. */
  public static String runRoundsKey(String runId, NeuronId neuron) {
    return RUNS + runId + "/" + roundsKey(neuron);
  }

  /** The folder of a run's own results, {@code runs/{runId}/explanations/}. */
  public static String runExplanationsPrefix(String runId) {
    return RUNS + runId + "/explanations/";
  }

  /**
   * Where the view's file of a neuron came from. Outside {@code explanations/}, so that the view
   * stays a public-layout folder that {@code validate} and {@code rescore} read as it is.
   */
  public static String explanationSourceKey(NeuronId neuron) {
    return "explanation-sources/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".json";
  }

  /**
   * What a finished neuron leaves beside its results.
   *
   * @param methodVersion {@link RunSpec#methodVersion()} of the run that wrote the results
   * @param score the mean score of its explanations (NaN when undefined)
   * @param scores for a run with classification scorers, the neuron's score by scorer (each the
   *     mean over its explanations: {@code simulation} is {@code score}, {@code detection} and
   *     {@code fuzzing} the mean balanced accuracy), null where undefined; absent otherwise, so a
   *     simulation-only run's marker keeps its bytes
   */
  public record DoneMarker(
      String runId,
      String methodVersion,
      Double score,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> scores) {

    public DoneMarker {
      scores = scores == null ? null : Collections.unmodifiableMap(new TreeMap<>(scores));
    }

    /** A marker without scores by scorer (a simulation-only run's, or one written before them). */
    public DoneMarker(String runId, String methodVersion, Double score) {
      this(runId, methodVersion, score, null);
    }
  }

  /**
   * Stores the spec: first each input's content at its own key, then the spec without the contents,
   * so that a worker that reads the spec finds the files.
   *
   * @return the spec as stored
   * @throws IllegalArgumentException when an input other than a default one has no content
   */
  public RunSpec putSpec(RunSpec spec) {
    checkInputs(spec);
    putInput(spec.runId(), PROMPT_TEXTS_FILE, spec.promptTexts());
    putInput(spec.runId(), EXPLAINER_FEW_SHOT_FILE, spec.explainerFewShot());
    putInput(spec.runId(), SIMULATOR_FEW_SHOT_FILE, spec.simulatorFewShot());
    RunSpec stored = spec.withoutInputContents();
    store.put(specKey(spec.runId()), write(stored));
    return stored;
  }

  /**
   * Refuses a submitted spec whose input other than a default one comes without its content: the
   * store would have nothing to build its prompts from.
   *
   * @throws IllegalArgumentException naming the input
   */
  public static void checkInputs(RunSpec spec) {
    for (RunInput input :
        new RunInput[] {spec.promptTexts(), spec.explainerFewShot(), spec.simulatorFewShot()}) {
      if (input != null && input.content() == null && !input.name().startsWith("default")) {
        throw new IllegalArgumentException(
            "run input " + input.name() + " has no content: submit the file's text with it");
      }
    }
  }

  private void putInput(String runId, String file, RunInput input) {
    if (input != null && input.content() != null) {
      store.put(inputKey(runId, file), input.content().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The stored bytes of a run's input {@code file}, checked against the hash {@code recorded};
   * empty when none was stored (a default input recorded by name and hash only).
   *
   * @throws IllegalStateException when the stored bytes do not have the recorded hash
   */
  public Optional<byte[]> input(String runId, String file, RunInput recorded) {
    Optional<byte[]> bytes = store.get(inputKey(runId, file));
    bytes.ifPresent(
        b -> {
          if (!RunInput.sha256(b).equals(recorded.sha256())) {
            throw new IllegalStateException(
                inputKey(runId, file) + " does not have the sha256 the run recorded for it");
          }
        });
    return bytes;
  }

  public Optional<RunSpec> spec(String runId) {
    return store.get(specKey(runId)).map(b -> read(b, RunSpec.class));
  }

  public void putStatus(RunStatus status) {
    store.put(statusKey(status.runId()), write(status));
  }

  public Optional<RunStatus> status(String runId) {
    return store.get(statusKey(runId)).map(b -> read(b, RunStatus.class));
  }

  public void putPlan(String runId, List<NeuronId> neurons) {
    store.put(planKey(runId), write(neurons));
  }

  public List<NeuronId> plan(String runId) {
    return store
        .get(planKey(runId))
        .map(
            b -> {
              try {
                return mapper.readValue(b, new TypeReference<List<NeuronId>>() {});
              } catch (IOException e) {
                throw new UncheckedIOException("bad " + planKey(runId), e);
              }
            })
        .orElse(List.of());
  }

  /**
   * What {@link #publishedKey} holds.
   *
   * @param jobs how many jobs the broker acknowledged
   */
  public record PublishedMarker(String runId, int jobs, long publishedMillis) {}

  public void putPublished(PublishedMarker marker) {
    store.put(publishedKey(marker.runId()), write(marker));
  }

  /** Whether the broker acknowledged the run's first jobs. */
  public boolean published(String runId) {
    return store.exists(publishedKey(runId));
  }

  /**
   * What one re-queue asked for, kept under {@link #requeuedPrefix} until the broker acknowledged
   * its jobs.
   *
   * @param neurons the neurons whose explain-and-score jobs go out again ({@code layer:index})
   * @param captureUnits the capture units whose jobs go out again ({@link
   *     org.neuronexplainer.common.messaging.Job#unit()})
   * @param collateUnits the collate units whose jobs go out again
   * @param weightUnits the weights blocks whose jobs go out again (a resumed capture run's)
   */
  public record RequeuedWork(
      String runId,
      List<String> neurons,
      List<String> captureUnits,
      List<String> collateUnits,
      List<String> weightUnits,
      long requeuedMillis) {
    public RequeuedWork {
      neurons = List.copyOf(neurons);
      captureUnits = List.copyOf(captureUnits);
      collateUnits = List.copyOf(collateUnits);
      weightUnits = weightUnits == null ? List.of() : List.copyOf(weightUnits);
    }
  }

  /**
   * Records re-queued work before its jobs are published.
   *
   * @return its key: the time first, so that keys sort in the order the work was re-queued
   */
  public String putRequeued(RequeuedWork work) {
    String key =
        requeuedPrefix(work.runId())
            + String.format("%013d", work.requeuedMillis())
            + "-"
            + UUID.randomUUID().toString().substring(0, 8)
            + ".json";
    store.put(key, write(work));
    return key;
  }

  /** The run's recorded re-queued work that the broker has not acknowledged, by key, in order. */
  public SortedMap<String, RequeuedWork> requeued(String runId) {
    SortedMap<String, RequeuedWork> work = new TreeMap<>();
    for (String key : store.list(requeuedPrefix(runId))) {
      store.get(key).ifPresent(b -> work.put(key, read(b, RequeuedWork.class)));
    }
    return work;
  }

  /** Forgets re-queued work once the broker acknowledged its jobs. */
  public void removeRequeued(String key) {
    store.delete(key);
  }

  /**
   * What {@link #budgetReachedKey} holds: a worker refused a call of the run because what the run
   * spent, what its calls in flight may cost and the call's own price would pass its budget. The
   * coordinator pauses the run when it finds it.
   *
   * @param spentUsd what the worker counted as spent (the coordinator's count and its own jobs')
   * @param reservedUsd what the calls in flight in that worker may cost
   * @param callUsd the refused call's estimated price
   */
  public record BudgetReached(
      String runId,
      double budgetUsd,
      double spentUsd,
      double reservedUsd,
      double callUsd,
      long atMillis) {}

  public void putBudgetReached(BudgetReached marker) {
    store.put(budgetReachedKey(marker.runId()), write(marker));
  }

  public Optional<BudgetReached> budgetReached(String runId) {
    return store.get(budgetReachedKey(runId)).map(b -> read(b, BudgetReached.class));
  }

  /**
   * Where a batch run's calls stand, as the batcher last counted them: for the run page and the
   * API.
   *
   * @param pendingCalls calls parked by its neurons, waiting for a batch
   * @param callsInBatches its calls in batches the provider has not finished
   * @param inProgress batches with calls of the run, not finished
   * @param completed batches with calls of the run, completed
   * @param failed batches with calls of the run that expired, failed or were cancelled (their
   *     unanswered calls are sent again)
   */
  public record BatchSummary(
      String runId,
      long pendingCalls,
      long callsInBatches,
      long inProgress,
      long completed,
      long failed,
      long updatedMillis) {}

  public void putBatchSummary(BatchSummary summary) {
    store.put(batchSummaryKey(summary.runId()), write(summary));
  }

  public Optional<BatchSummary> batchSummary(String runId) {
    return store.get(batchSummaryKey(runId)).map(b -> read(b, BatchSummary.class));
  }

  /** Forgets the marker, as a resume with a new budget does. */
  public void removeBudgetReached(String runId) {
    store.delete(budgetReachedKey(runId));
  }

  public void putDone(NeuronId neuron, DoneMarker marker) {
    store.put(doneKey(marker.runId(), neuron), write(marker));
  }

  /** Whether the neuron has this run's done marker, without reading it. */
  public boolean doneExists(String runId, NeuronId neuron) {
    return store.exists(doneKey(runId, neuron));
  }

  public Optional<DoneMarker> done(String runId, NeuronId neuron) {
    return store.get(doneKey(runId, neuron)).map(b -> read(b, DoneMarker.class));
  }

  public void putExplanationSource(NeuronId neuron, ExplanationSource source) {
    store.put(explanationSourceKey(neuron), write(source));
  }

  /** The recorded source of the view's file of {@code neuron}; empty when none was recorded. */
  public Optional<ExplanationSource> explanationSource(NeuronId neuron) {
    return store.get(explanationSourceKey(neuron)).map(b -> read(b, ExplanationSource.class));
  }

  /**
   * Replaces the run's failures file with {@code failures} (an empty file when none is failed now):
   * one put, so a reader sees the old list or the new one, never a mix.
   */
  public void putFailures(String runId, List<RunFailure> failures) {
    StringBuilder lines = new StringBuilder();
    for (RunFailure failure : failures) {
      lines.append(new String(write(failure), StandardCharsets.UTF_8)).append('\n');
    }
    store.put(failuresKey(runId), lines.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The run's failed neurons as last recorded; empty when none failed or none was recorded. */
  public List<RunFailure> failures(String runId) {
    Optional<byte[]> bytes = store.get(failuresKey(runId));
    if (bytes.isEmpty()) {
      return List.of();
    }
    List<RunFailure> failures = new ArrayList<>();
    for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        failures.add(read(line.getBytes(StandardCharsets.UTF_8), RunFailure.class));
      }
    }
    return failures;
  }

  /** Every run id with a status record, sorted. */
  public List<String> runIds() {
    List<String> ids = new ArrayList<>();
    for (String key : store.list(RUNS)) {
      if (key.endsWith("/status.json") && key.indexOf('/', RUNS.length()) == key.length() - 12) {
        ids.add(key.substring(RUNS.length(), key.length() - 12));
      }
    }
    return ids;
  }

  private byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T read(byte[] bytes, Class<T> type) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException("bad " + type.getSimpleName() + " record", e);
    }
  }
}
