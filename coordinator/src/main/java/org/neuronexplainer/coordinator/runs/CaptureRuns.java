package org.neuronexplainer.coordinator.runs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.ModelFile;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.messaging.CaptureJob;
import org.neuronexplainer.common.messaging.CollateJob;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.messaging.NeuronBlock;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.WeightsJob;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.progress.ProgressBoard;

/**
 * The coordinator's part of capture runs: publishes the capture (and weights) jobs of a new run,
 * then, as the events show every shard of a layer range captured, that range's collate jobs. The
 * collate jobs queue the explain-and-score jobs themselves.
 *
 * <p>Restart: the plan is a run record ({@code runs/{id}/capture-plan.json}) and each range's
 * collate jobs leave a marker once the broker holds them, so a restarted coordinator neither loses
 * nor repeats a step: unit states come back with the events replay, and a range whose marker is
 * missing is published (again, if the crash fell between the sends and the marker: collate jobs are
 * idempotent).
 *
 * <p>Partials: once every collate unit succeeded, the run's partials are removed; a run whose
 * collation is not complete (a failed unit, an interrupted or cancelled run) keeps them.
 */
final class CaptureRuns {

  /** The stored plan; the neurons are the run's {@code plan.json}. */
  record StoredPlan(
      List<LayerRange> ranges,
      int shards,
      List<NeuronBlock> blocks,
      List<NeuronBlock> weightLayers) {}

  private final ObjectMapper json =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final BlobStore store;
  private final JobPublisher jobs;
  private final ProgressBoard board;
  private final Map<String, StoredPlan> plans = new ConcurrentHashMap<>();
  private final Set<String> published = ConcurrentHashMap.newKeySet();
  private final Set<String> partialsRemoved = ConcurrentHashMap.newKeySet();
  // Collate blocks whose dead latents the board knows, by run id and block.
  private final Set<String> deadApplied = ConcurrentHashMap.newKeySet();

  CaptureRuns(BlobStore store, JobPublisher jobs, ProgressBoard board) {
    this.store = store;
    this.jobs = jobs;
    this.board = board;
  }

  /** Plans a capture run from its spec and the model's shape (read, never loaded). */
  static CapturePlan plan(RunSpec spec) {
    CaptureRun capture = spec.capture();
    return CapturePlan.of(
        spec,
        ModelShape.of(capture.model()),
        capture.capturesSae() ? SaeShape.of(capture.sae()) : null);
  }

  /**
   * Writes the plan and registers its units; {@link #publishFirst} then sends the first jobs. A
   * capture of MLP neurons also writes the whole model's size to the store's root ({@link
   * ModelFile}), as the capture command does: the coordinator is the one that knows it (from the
   * checkpoint's config), where each worker sees only its own layers. An SAE's dataset, in its own
   * folder, tells its size by its subject record instead.
   */
  void prepare(RunSpec spec, CapturePlan plan) {
    StoredPlan stored =
        new StoredPlan(plan.ranges(), plan.shards(), plan.blocks(), plan.weightLayers());
    if (!spec.capture().capturesSae()) {
      store.put(ModelFile.KEY, ModelFile.toJson(plan.model().layers(), plan.model().neurons()));
    }
    store.put(CaptureKeys.plan(spec.runId()), write(stored));
    register(spec.runId(), stored);
  }

  /**
   * Publishes the capture and weights jobs of a prepared run and waits until the broker holds them.
   * Sending them again is harmless: a capture job whose partials exist and a weights job whose
   * marker exists are skipped.
   *
   * @return how many jobs went out
   */
  int publishFirst(RunSpec spec) {
    StoredPlan stored = plans.get(spec.runId());
    if (stored == null) {
      throw new IllegalStateException("run " + spec.runId() + " has no capture plan");
    }
    List<Job> first = new ArrayList<>(captureJobs(spec.runId(), header(spec), stored));
    for (NeuronBlock layer : stored.weightLayers()) {
      first.add(new WeightsJob(header(spec), layer));
    }
    jobs.publish(first);
    return first.size();
  }

  /** Reads a capture run's plan back after a restart; false when the run is not a capture run. */
  boolean load(String runId) {
    return store
        .get(CaptureKeys.plan(runId))
        .map(
            bytes -> {
              register(runId, read(bytes));
              return true;
            })
        .orElse(false);
  }

  private void register(String runId, StoredPlan plan) {
    plans.put(runId, plan);
    board.planUnits(
        runId, Stage.CAPTURE, units(captureJobs(runId, JobHeader.first(runId, 1), plan)));
    board.planUnits(
        runId, Stage.COLLATE, plan.blocks().stream().map(NeuronBlock::toString).toList());
    board.planUnits(
        runId, Stage.WEIGHTS, plan.weightLayers().stream().map(NeuronBlock::toString).toList());
  }

  /**
   * Publishes the collate jobs of every layer range whose capture units have all succeeded and
   * whose collate jobs are not out yet. Called on the coordinator's tick once the events replay has
   * caught up.
   */
  void advance(RunSpec spec) {
    StoredPlan plan = plans.get(spec.runId());
    if (plan == null) {
      return;
    }
    skipDeadLatents(spec.runId(), plan);
    for (LayerRange range : plan.ranges()) {
      String marker = CaptureKeys.collatePublished(spec.runId(), range);
      if (published.contains(marker)) {
        continue;
      }
      if (store.exists(marker)) {
        published.add(marker);
        continue;
      }
      List<String> shards = units(captureJobs(spec.runId(), header(spec), plan, range));
      boolean captured =
          board
              .read(
                  spec.runId(),
                  p ->
                      shards.stream()
                          .allMatch(u -> p.unitState(Stage.CAPTURE, u).equals("succeeded")))
              .orElse(false);
      if (captured) {
        jobs.publish(collateJobs(spec, plan, range));
        store.put(marker, write(Map.of("range", range.toString())));
        published.add(marker);
      }
    }
  }

  /**
   * Marks skipped the dead latents (never active over the corpus) of every collated block not yet
   * seen: its collate job wrote no record and queued no job for them, and says which they were in
   * its marker.
   */
  private void skipDeadLatents(String runId, StoredPlan plan) {
    for (NeuronBlock block : plan.blocks()) {
      String key = runId + "/" + block;
      if (deadApplied.contains(key)) {
        continue;
      }
      Optional<List<NeuronId>> dead = deadIn(runId, block);
      if (dead.isEmpty()) {
        continue; // not collated yet
      }
      if (!dead.get().isEmpty()) {
        board.skipped(
            runId, dead.get().stream().map(NeuronId::toString).toList(), DEAD_LATENT_REASON);
      }
      deadApplied.add(key);
    }
  }

  /** Why a dead latent is skipped, as the run's neuron list says. */
  static final String DEAD_LATENT_REASON = "dead latent: never active over the corpus";

  /**
   * The dead latents of a collated block, from its marker; empty when the block is not collated
   * yet. A marker without the list (MLP neurons) has none.
   */
  Optional<List<NeuronId>> deadIn(String runId, NeuronBlock block) {
    return store
        .get(CaptureKeys.collated(runId, block))
        .map(
            bytes -> {
              try {
                List<NeuronId> dead = new ArrayList<>();
                for (var n : json.readTree(bytes).path("dead")) {
                  dead.add(new NeuronId(block.layer(), n.asInt()));
                }
                return dead;
              } catch (IOException e) {
                throw new UncheckedIOException(
                    CaptureKeys.collated(runId, block) + " is not a collate marker", e);
              }
            });
  }

  /** Every dead latent the run's collated blocks recorded. */
  Set<NeuronId> deadLatents(String runId) {
    if (!plans.containsKey(runId)) {
      load(runId);
    }
    StoredPlan plan = plans.get(runId);
    Set<NeuronId> dead = new HashSet<>();
    if (plan != null) {
      for (NeuronBlock block : plan.blocks()) {
        deadIn(runId, block).ifPresent(dead::addAll);
      }
    }
    return dead;
  }

  /**
   * Removes the run's capture partials once its collation is complete: every collate unit succeeded
   * and left its marker. They are intermediate (a whole run's activations, hundreds of times the
   * corpus's size) and no later step reads them; while a collate unit is pending or failed they
   * stay, for the collate jobs and a re-queue. Once per run and process.
   *
   * @return how many partials were removed
   */
  int removePartialsWhenCollated(RunSpec spec) {
    String runId = spec.runId();
    StoredPlan plan = plans.get(runId);
    if (plan == null || partialsRemoved.contains(runId)) {
      return 0;
    }
    List<String> blocks = plan.blocks().stream().map(NeuronBlock::toString).toList();
    boolean collated =
        board
            .read(
                runId,
                p ->
                    blocks.stream()
                        .allMatch(b -> p.unitState(Stage.COLLATE, b).equals("succeeded")))
            .orElse(false);
    // The markers too: an event alone is not the word of the collate job's output.
    if (!collated
        || !plan.blocks().stream().allMatch(b -> store.exists(CaptureKeys.collated(runId, b)))) {
      return 0;
    }
    completeSubject(spec, plan);
    int removed = 0;
    for (String key : store.list(CaptureKeys.partialsPrefix(runId))) {
      if (store.delete(key)) {
        removed++;
      }
    }
    partialsRemoved.add(runId);
    return removed;
  }

  /**
   * Gives an SAE run's dataset record the dead latents of all its blocks: each collate job knows
   * only its own (they are in its marker), and the first one wrote the record.
   */
  private void completeSubject(RunSpec spec, StoredPlan plan) {
    if (spec.sae() == null) {
      return;
    }
    BlobStore dataset = spec.datasetStore(store);
    Optional<byte[]> stored = dataset.get(DatasetSubject.KEY);
    if (stored.isEmpty()) {
      return;
    }
    List<Integer> dead = new ArrayList<>();
    for (NeuronBlock block : plan.blocks()) {
      deadIn(spec.runId(), block).ifPresent(ids -> ids.forEach(n -> dead.add(n.neuronIndex())));
    }
    DatasetSubject subject =
        DatasetSubject.fromJson(stored.get(), spec.dataset() + DatasetSubject.KEY);
    dataset.put(DatasetSubject.KEY, subject.withDeadLatents(dead).toJson());
  }

  /** Capture and collate units of a run, by {@link Job#unit()}. */
  record Units(List<String> captures, List<String> collates, List<String> weights) {
    static final Units NONE = new Units(List.of(), List.of(), List.of());

    boolean isEmpty() {
      return captures.isEmpty() && collates.isEmpty() && weights.isEmpty();
    }

    int size() {
      return captures.size() + collates.size() + weights.size();
    }
  }

  /** The capture and collate units that failed for good, which a re-queue sends again. */
  Units failedUnits(RunSpec spec) {
    if (!plans.containsKey(spec.runId())) {
      return Units.NONE;
    }
    return new Units(
        board.read(spec.runId(), p -> p.failedUnits(Stage.CAPTURE)).orElse(List.of()),
        board.read(spec.runId(), p -> p.failedUnits(Stage.COLLATE)).orElse(List.of()),
        List.of());
  }

  /** Marks re-queued units pending again. */
  void markRequeued(RunSpec spec, Units units) {
    if (units.isEmpty()) {
      return;
    }
    board.requeuedUnits(spec.runId(), Stage.CAPTURE, units.captures());
    board.requeuedUnits(spec.runId(), Stage.COLLATE, units.collates());
  }

  /** First attempts of the given units, rebuilt from the run's plan (none when it has none). */
  List<Job> jobs(RunSpec spec, Units units) {
    StoredPlan plan = plans.get(spec.runId());
    if (plan == null || units.isEmpty()) {
      return List.of();
    }
    List<Job> again = new ArrayList<>();
    for (CaptureJob job : captureJobs(spec.runId(), header(spec), plan)) {
      if (units.captures().contains(job.unit())) {
        again.add(job);
      }
    }
    for (LayerRange range : plan.ranges()) {
      for (CollateJob job : collateJobs(spec, plan, range)) {
        if (units.collates().contains(job.unit())) {
          again.add(job);
        }
      }
    }
    for (NeuronBlock layer : plan.weightLayers()) {
      if (units.weights().contains(layer.toString())) {
        again.add(new WeightsJob(header(spec), layer));
      }
    }
    return again;
  }

  /**
   * Sets a resumed run's units from the outputs the store holds and returns the units that still
   * have work (their jobs are rebuilt by {@link #jobs}): in a range whose collate jobs went out,
   * its captures are done and each collate block without its marker goes out again; in another
   * range, the capture units not known to have succeeded go out again (a capture job whose partials
   * exist is skipped), and {@link #advance} sends the range's collate jobs once they have; weights
   * blocks without their marker go out again.
   */
  Units resume(RunSpec spec) {
    String runId = spec.runId();
    StoredPlan plan = plans.get(runId);
    if (plan == null) {
      throw new IllegalStateException("run " + runId + " has no capture plan");
    }
    List<String> capturesAgain = new ArrayList<>();
    List<String> collatesAgain = new ArrayList<>();
    List<String> capturesDone = new ArrayList<>();
    List<String> capturesLeft = new ArrayList<>();
    List<String> collatesDone = new ArrayList<>();
    List<String> collatesLeft = new ArrayList<>();
    for (LayerRange range : plan.ranges()) {
      List<CaptureJob> captures = captureJobs(runId, header(spec), plan, range);
      String marker = CaptureKeys.collatePublished(runId, range);
      if (store.exists(marker)) {
        published.add(marker);
        capturesDone.addAll(units(captures));
        for (CollateJob collate : collateJobs(spec, plan, range)) {
          if (store.exists(CaptureKeys.collated(runId, collate.block()))) {
            collatesDone.add(collate.unit());
          } else {
            collatesLeft.add(collate.unit());
            collatesAgain.add(collate.unit());
          }
        }
        continue;
      }
      for (CaptureJob capture : captures) {
        boolean succeeded =
            board
                .read(runId, p -> p.unitState(Stage.CAPTURE, capture.unit()).equals("succeeded"))
                .orElse(false);
        if (succeeded) {
          capturesDone.add(capture.unit());
        } else {
          capturesLeft.add(capture.unit());
          capturesAgain.add(capture.unit());
        }
      }
      collatesLeft.addAll(units(collateJobs(spec, plan, range)));
    }
    List<String> weighed = new ArrayList<>();
    List<String> toWeigh = new ArrayList<>();
    for (NeuronBlock layer : plan.weightLayers()) {
      if (store.exists(CaptureKeys.weighed(runId, layer))) {
        weighed.add(layer.toString());
      } else {
        toWeigh.add(layer.toString());
      }
    }
    board.resumedUnits(runId, Stage.CAPTURE, capturesDone, capturesLeft);
    board.resumedUnits(runId, Stage.COLLATE, collatesDone, collatesLeft);
    board.resumedUnits(runId, Stage.WEIGHTS, weighed, toWeigh);
    return new Units(capturesAgain, collatesAgain, toWeigh);
  }

  /**
   * Whether the collate job of the neuron's block has written its records (and queued its
   * explain-and-score jobs): a resumed neuron without a result needs an explain-and-score job of
   * its own then, else its collate job queues one.
   */
  boolean collated(String runId, NeuronId neuron) {
    StoredPlan plan = plans.get(runId);
    if (plan == null) {
      return true;
    }
    for (NeuronBlock block : plan.blocks()) {
      if (block.layer() == neuron.layerIndex()
          && neuron.neuronIndex() >= block.first()
          && neuron.neuronIndex() < block.first() + block.count()) {
        return store.exists(CaptureKeys.collated(runId, block));
      }
    }
    return false;
  }

  /** Capture jobs of every range, shard by shard. */
  private static List<CaptureJob> captureJobs(String runId, JobHeader header, StoredPlan plan) {
    List<CaptureJob> jobs = new ArrayList<>();
    for (LayerRange range : plan.ranges()) {
      jobs.addAll(captureJobs(runId, header, plan, range));
    }
    return jobs;
  }

  private static List<CaptureJob> captureJobs(
      String runId, JobHeader header, StoredPlan plan, LayerRange range) {
    List<CaptureJob> jobs = new ArrayList<>();
    for (int shard = 0; shard < plan.shards(); shard++) {
      jobs.add(
          new CaptureJob(
              header,
              range,
              shard,
              CaptureKeys.corpusShard(runId, shard, plan.shards()),
              CaptureKeys.partialsPrefix(runId)));
    }
    return jobs;
  }

  private static List<CollateJob> collateJobs(RunSpec spec, StoredPlan plan, LayerRange range) {
    List<CollateJob> jobs = new ArrayList<>();
    for (NeuronBlock block : plan.blocks()) {
      if (block.layer() >= range.first() && block.layer() <= range.last()) {
        jobs.add(new CollateJob(header(spec), block, CaptureKeys.partialsPrefix(spec.runId())));
      }
    }
    return jobs;
  }

  private static JobHeader header(RunSpec spec) {
    return JobHeader.first(spec.runId(), spec.maxAttempts());
  }

  private static List<String> units(List<? extends Job> jobs) {
    return jobs.stream().map(Job::unit).toList();
  }

  private byte[] write(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private StoredPlan read(byte[] bytes) {
    try {
      return json.readValue(bytes, StoredPlan.class);
    } catch (IOException e) {
      throw new UncheckedIOException("bad capture plan", e);
    }
  }
}
