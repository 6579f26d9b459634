package org.neuronexplainer.coordinator.runs;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's operations on runs, plain blocking Java (the HTTP edge calls it off the event
 * loop). Run records live in the store; per-neuron progress comes from the {@link ProgressBoard}.
 * Order on submit: spec, plan and status are written before any job is published, so a worker never
 * sees a job of a run it cannot read; the published marker is written after the broker holds the
 * jobs, so a run without it has jobs to publish (at least once: a worker skips a neuron whose done
 * marker exists). A re-queue follows the same order: its record first, removed once the broker took
 * its jobs.
 */
public final class RunService implements AutoCloseable {

  /** How long a submission waits for the broker to take its jobs, by default. */
  public static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

  private final RunRecords records;
  private final RunPlanner planner;
  private final JobPublisher jobs;
  private final CaptureRuns captures;
  private final ProgressBoard board;
  private final LongSupplier clock;
  private final Map<String, RunStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, RunSpec> specs = new ConcurrentHashMap<>();
  private final Duration publishTimeout;
  private final ExecutorService publisher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "coordinator-publish");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Future<?>> publishing = new ConcurrentHashMap<>();
  private final Set<String> published = ConcurrentHashMap.newKeySet();

  /**
   * Per run, the re-queued work whose jobs the broker has not taken yet, by its key in the store
   * (the store is the truth: a restart reads it back).
   */
  private final Map<String, SortedMap<String, RunRecords.RequeuedWork>> requeued =
      new ConcurrentHashMap<>();

  /** Per run, its latest queued publishing of re-queued work. */
  private final Map<String, Future<?>> requeueing = new ConcurrentHashMap<>();

  /** Per run, the {@link RunProgress#failuresVersion()} its failures file was written at. */
  private final Map<String, Long> failuresWritten = new ConcurrentHashMap<>();

  /**
   * Per stopped run, its {@link RunProgress#completed()} when its {@code left} was last counted: a
   * neuron finished since (a job in flight at the stop) has it counted again.
   */
  private final Map<String, Long> leftCountedAt = new ConcurrentHashMap<>();

  private final RunBudgetWatch budgets;

  public RunService(
      RunRecords records,
      RunPlanner planner,
      JobPublisher jobs,
      ProgressBoard board,
      LongSupplier clock) {
    this(records, planner, jobs, board, clock, PUBLISH_TIMEOUT);
  }

  /**
   * @param publishTimeout how long {@link #submit} waits for the broker to take a run's jobs
   */
  public RunService(
      RunRecords records,
      RunPlanner planner,
      JobPublisher jobs,
      ProgressBoard board,
      LongSupplier clock,
      Duration publishTimeout) {
    this.publishTimeout = publishTimeout;
    this.records = records;
    this.planner = planner;
    this.jobs = jobs;
    this.board = board;
    this.clock = clock;
    this.captures = new CaptureRuns(records.store(), jobs, board);
    this.budgets = new RunBudgetWatch(records, board, clock);
  }

  /** Loads every run record of the store: how a restarted coordinator knows its runs. */
  public void load() {
    for (String runId : records.runIds()) {
      records.status(runId).ifPresent(s -> statuses.put(runId, s));
      records.spec(runId).ifPresent(s -> specs.put(runId, s));
      board.plan(runId, units(records.plan(runId)));
      captures.load(runId);
      SortedMap<String, RunRecords.RequeuedWork> recorded = records.requeued(runId);
      if (!recorded.isEmpty()) {
        requeued.put(runId, new ConcurrentSkipListMap<>(recorded));
      }
    }
  }

  /**
   * Plans a run, writes its records and publishes its first jobs: one per neuron for a run from the
   * store, the capture (and weights) jobs for a capture run. A spec that cannot be planned (no
   * records, a model or layer that does not exist) is refused before anything is written.
   *
   * <p>Waits at most the publish timeout for the broker. Once the broker holds the jobs, a marker
   * ({@link RunRecords#publishedKey}) says so; a running run without it is published again by
   * {@link #publishPending()}, at start and periodically, so a crash or a broker outage while
   * publishing never leaves jobs unsent.
   *
   * @throws PublishPendingException when the broker did not take the jobs in time: the run is
   *     recorded and its publishing goes on
   */
  public RunView submit(RunSpec requested) {
    String runId = record(requested);
    awaitBroker(
        runId,
        publish(runId, false),
        (reason, cause) -> new PublishPendingException(runId, reason, cause));
    return view(runId);
  }

  /**
   * Waits at most the publish timeout for a queued publishing.
   *
   * @throws PublishPendingException made by {@code pending} from the reason, when the publishing
   *     failed or did not end in time (it goes on)
   */
  private void awaitBroker(
      String runId,
      Future<?> publishing,
      BiFunction<String, Throwable, PublishPendingException> pending) {
    try {
      publishing.get(publishTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw pending.apply(message(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      long millis = publishTimeout.toMillis();
      String reason =
          "the broker did not take them within "
              + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms");
      LOG.warn("run {}: {}; publishing goes on in the background", runId, reason);
      throw pending.apply(reason, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw pending.apply("interrupted", e);
    }
  }

  /** Checks and writes a new run's records (spec, plan, a capture run's units, status). */
  /**
   * What {@code spec} would send and cost, counted by {@code estimates} over the neurons a submit
   * would plan. The spec is checked as {@link #submit} checks it, with the same refusals, except
   * that its run id may be taken; nothing is written and nothing is published.
   *
   * @throws IllegalArgumentException when the spec would be refused at submit, or is a capture run,
   *     whose NeuronRecords do not exist before it has captured them
   */
  public RunEstimate estimate(RunSpec spec, RunEstimates estimates) {
    if (spec.captures()) {
      CaptureRuns.plan(spec);
      throw new IllegalArgumentException(
          "an estimate counts the requests built from a run's NeuronRecords, which a capture run"
              + " has only once it has captured them: capture first, then estimate a run over"
              + " that store");
    }
    List<NeuronId> neurons = planner.plan(spec);
    RunRecords.checkInputs(spec);
    return estimates.estimate(spec, neurons);
  }

  private synchronized String record(RunSpec requested) {
    RunSpec spec = requested;
    if (statuses.containsKey(spec.runId()) || records.status(spec.runId()).isPresent()) {
      throw new RunConflictException("a run " + spec.runId() + " exists already");
    }
    CapturePlan capturePlan = spec.captures() ? CaptureRuns.plan(spec) : null;
    List<NeuronId> neurons = capturePlan != null ? capturePlan.neurons() : planner.plan(spec);
    long now = clock.getAsLong();
    RunStatus status = RunStatus.submitted(spec.runId(), neurons.size(), now, spec.budgetUsd());
    // Stored without the input files' contents, which go beside it.
    spec = records.putSpec(spec);
    records.putPlan(spec.runId(), neurons);
    board.plan(spec.runId(), units(neurons));
    if (capturePlan != null) {
      captures.prepare(spec, capturePlan);
    }
    // The status last: a run listed in the store has all it needs to be published.
    records.putStatus(status);
    specs.put(spec.runId(), spec);
    statuses.put(spec.runId(), status);
    return spec.runId();
  }

  /**
   * Publishes the first jobs of every running run that the store does not mark as published (after
   * a restart, a crash while publishing, and while the broker is away), and the re-queued work
   * recorded in the store whose jobs the broker did not take. Returns at once; publishing runs on
   * its own thread, one run after the other, and failures are logged.
   */
  public void publishPending() {
    for (RunStatus status : List.copyOf(statuses.values())) {
      if (status.state() == RunState.RUNNING && !published.contains(status.runId())) {
        publish(status.runId(), true);
      }
    }
    // On the publishing thread, so that no record is taken up again as it is being forgotten.
    publisher.submit(this::adoptParkedRequeues);
    for (String runId : List.copyOf(requeued.keySet())) {
      RunStatus status = statuses.get(runId);
      Future<?> queued = requeueing.get(runId);
      boolean running = status != null && status.state() == RunState.RUNNING;
      if (running && !requeued.get(runId).isEmpty() && (queued == null || queued.isDone())) {
        publishRequeued(runId);
      }
    }
  }

  /**
   * Takes up the re-queued work that the batcher recorded for a running batch run's parked neurons
   * (their calls are answered), so that it is published like any other re-queue.
   */
  private void adoptParkedRequeues() {
    for (RunStatus status : List.copyOf(statuses.values())) {
      RunSpec spec = specs.get(status.runId());
      if (status.state() != RunState.RUNNING || spec == null || !spec.batch()) {
        continue;
      }
      SortedMap<String, RunRecords.RequeuedWork> known =
          requeued.computeIfAbsent(status.runId(), id -> new ConcurrentSkipListMap<>());
      try {
        records.requeued(status.runId()).forEach(known::putIfAbsent);
      } catch (RuntimeException e) {
        LOG.warn("cannot read the re-queued work of run {}: {}", status.runId(), message(e));
      }
    }
  }

  /**
   * Returns once every publishing queued so far has finished (its one thread runs them in order).
   */
  void awaitPublishingQueued() throws Exception {
    publisher.submit(() -> {}).get();
  }

  /** Queues a run's publishing unless it is queued or under way already. */
  private Future<?> publish(String runId, boolean again) {
    return publishing.compute(
        runId,
        (id, queued) ->
            queued != null && !queued.isDone()
                ? queued
                : publisher.submit(() -> publishNow(id, again)));
  }

  /** Runs on the publishing thread. */
  private void publishNow(String runId, boolean again) {
    RunStatus status = statuses.get(runId);
    if (published.contains(runId) || status == null || status.state() != RunState.RUNNING) {
      return; // a run cancelled before its jobs went out is never published
    }
    if (records.published(runId)) {
      published.add(runId);
      return;
    }
    RunSpec spec = specs.get(runId);
    int count;
    try {
      if (spec.captures()) {
        count = captures.publishFirst(spec);
      } else {
        List<NeuronId> plan = records.plan(runId);
        jobs.explainAndScore(spec, plan);
        count = plan.size();
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "publishing the jobs of run {} failed; retried while the run is running: {}",
          runId,
          message(e));
      throw e;
    }
    records.putPublished(new RunRecords.PublishedMarker(runId, count, clock.getAsLong()));
    published.add(runId);
    if (again) {
      LOG.info("published the {} first jobs of run {}, which were waiting", count, runId);
    }
  }

  /**
   * Queues the publishing of a run's re-queued work. Each call queues its own, which takes what is
   * waiting when it starts: work re-queued while an earlier one publishes is not left behind.
   */
  private Future<?> publishRequeued(String runId) {
    Future<?> queued = publisher.submit(() -> publishRequeuedNow(runId));
    requeueing.put(runId, queued);
    return queued;
  }

  /**
   * Runs on the publishing thread: publishes every recorded re-queue of the run, then forgets the
   * records the broker acknowledged. What it did not take stays recorded for the next try.
   */
  private void publishRequeuedNow(String runId) {
    SortedMap<String, RunRecords.RequeuedWork> waiting = requeued.get(runId);
    RunStatus status = statuses.get(runId);
    if (waiting == null || status == null || status.state() != RunState.RUNNING) {
      return; // a run cancelled or interrupted since is not published; its records stay
    }
    Map<String, RunRecords.RequeuedWork> taken = new TreeMap<>(waiting);
    if (taken.isEmpty()) {
      return;
    }
    Set<String> neurons = new LinkedHashSet<>();
    Set<String> captureUnits = new LinkedHashSet<>();
    Set<String> collateUnits = new LinkedHashSet<>();
    Set<String> weightUnits = new LinkedHashSet<>();
    for (RunRecords.RequeuedWork work : taken.values()) {
      neurons.addAll(work.neurons());
      captureUnits.addAll(work.captureUnits());
      collateUnits.addAll(work.collateUnits());
      weightUnits.addAll(work.weightUnits());
    }
    RunSpec spec = specs.get(runId);
    try {
      jobs.publish(
          captures.jobs(
              spec,
              new CaptureRuns.Units(
                  List.copyOf(captureUnits), List.copyOf(collateUnits), List.copyOf(weightUnits))));
      jobs.explainAndScore(spec, neurons.stream().map(RunService::neuron).toList());
    } catch (RuntimeException e) {
      LOG.warn(
          "publishing the re-queued jobs of run {} failed; retried while the run is running: {}",
          runId,
          message(e));
      throw e;
    }
    for (String key : taken.keySet()) {
      records.removeRequeued(key);
      waiting.remove(key);
    }
  }

  /** Whether the broker holds the run's first jobs (as far as this coordinator knows). */
  public boolean published(String runId) {
    return published.contains(runId) || records.published(runId);
  }

  /** Stops the publishing thread; what it did not publish, a restart publishes. */
  @Override
  public void close() {
    publisher.shutdownNow();
  }

  private static String message(Throwable error) {
    return error.getMessage() == null ? error.toString() : error.getMessage();
  }

  /** A fresh run id: the date and a short random suffix. */
  public static String newRunId(long nowMillis) {
    return "run-"
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(nowMillis))
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  public List<RunView> list() {
    return statuses.keySet().stream().sorted().map(this::view).toList();
  }

  public RunView view(String runId) {
    RunStatus status = statuses.get(runId);
    if (status == null) {
      throw new RunNotFoundException(runId);
    }
    RunProgress.Summary summary = board.read(runId, RunProgress::summary).orElse(null);
    RunSpec spec = specs.get(runId);
    RunRecords.BatchSummary batches = null;
    if (spec != null && spec.batch()) {
      try {
        batches = records.batchSummary(runId).orElse(null);
      } catch (RuntimeException e) {
        LOG.warn("cannot read the batches of run {}: {}", runId, message(e));
      }
    }
    return new RunView(runId, status.state().id(), spec, status, summary, batches);
  }

  public List<RunProgress.NeuronView> neurons(String runId, NeuronState state) {
    view(runId);
    return board.read(runId, p -> p.neurons(state)).orElse(List.of());
  }

  /**
   * Publishes first attempts again for the given neurons (all failed ones when null or empty).
   * Finished neurons are skipped by the workers (their output exists), so re-queueing one is
   * harmless. The work is recorded in the store ({@link RunRecords#requeuedPrefix}) and the neurons
   * are marked pending at once; like {@link #submit}, the call then waits at most the publish
   * timeout for the broker, off the service's lock. The record goes once the broker took the jobs;
   * until then {@link #publishPending()} publishes it while the run is running, in this process or,
   * after a restart, in the next.
   *
   * @return the neurons re-queued
   * @throws PublishPendingException when the broker did not take the jobs in time
   */
  public List<String> requeue(String runId, List<String> units) {
    List<String> chosen = markRequeued(runId, units);
    if (!chosen.isEmpty()) {
      awaitBroker(
          runId,
          publishRequeued(runId),
          (reason, cause) -> PublishPendingException.requeued(runId, chosen.size(), reason, cause));
    }
    return chosen;
  }

  /**
   * Records the jobs of the neurons to re-queue in the store as waiting to be published, then marks
   * the neurons pending.
   */
  private synchronized List<String> markRequeued(String runId, List<String> units) {
    RunView view = view(runId);
    if (view.status().state() == RunState.CANCELLED) {
      throw new RunConflictException("run " + runId + " was cancelled");
    }
    List<String> chosen;
    if (units == null || units.isEmpty()) {
      chosen =
          neurons(runId, NeuronState.FAILED).stream().map(RunProgress.NeuronView::neuron).toList();
    } else {
      Set<String> planned = Set.copyOf(units(records.plan(runId)));
      for (String unit : units) {
        if (!planned.contains(unit)) {
          throw new IllegalArgumentException("neuron " + unit + " is not in run " + runId);
        }
      }
      chosen = List.copyOf(units);
    }
    if (chosen.isEmpty()) {
      return chosen;
    }
    RunSpec spec = specs.get(runId);
    List<String> perNeuron = chosen;
    CaptureRuns.Units failedUnits = CaptureRuns.Units.NONE;
    if (spec.captures()) {
      // Neurons that failed before their explain-and-score job wait for their failed capture or
      // collate units; those go out again, and the rest get explain-and-score jobs.
      Map<String, String> stages = new HashMap<>();
      neurons(runId, null).forEach(n -> stages.put(n.neuron(), String.valueOf(n.stage())));
      perNeuron =
          chosen.stream()
              .filter(u -> !Set.of("capture", "collate").contains(stages.get(u)))
              .toList();
      if (perNeuron.size() < chosen.size()) {
        failedUnits = captures.failedUnits(spec);
      }
    }
    // Recorded before anything changes or is published: a coordinator that stops before the broker
    // took the jobs publishes them from this record when it starts again.
    RunRecords.RequeuedWork work =
        new RunRecords.RequeuedWork(
            runId,
            perNeuron,
            failedUnits.captures(),
            failedUnits.collates(),
            List.of(),
            clock.getAsLong());
    String key = records.putRequeued(work);
    requeued.computeIfAbsent(runId, id -> new ConcurrentSkipListMap<>()).put(key, work);
    board.requeued(runId, chosen);
    captures.markRequeued(spec, failedUnits);
    setState(runId, RunState.RUNNING);
    return chosen;
  }

  /**
   * Stops a running run: workers fail its remaining jobs with "cancelled" within about a second. A
   * run that has finished (succeeded, failed or cancelled) is refused and its record left as it is,
   * so its state and finish time stay true and its failed neurons can still be re-queued.
   */
  public synchronized RunView cancel(String runId) {
    RunStatus status = view(runId).status();
    if (status.state().finished()) {
      throw new RunConflictException(
          "run "
              + runId
              + " already "
              + status.state().id()
              + " at "
              + Instant.ofEpochMilli(status.finishedMillis())
              + "; nothing to cancel");
    }
    stop(runId, RunState.CANCELLED);
    return view(runId);
  }

  /**
   * Marks a running run {@code interrupted} (its {@code run} process is stopping) with the time and
   * the neurons left without a result, and returns true; a finished run is left as it is and false
   * returned. Workers drop its remaining jobs without failing them, and no coordinator publishes it
   * again; {@link #resume} or {@code requeue} takes it up when a user asks.
   */
  public synchronized boolean interrupt(String runId) {
    RunStatus status = statuses.get(runId);
    if (status == null || status.state().finished()) {
      return false;
    }
    stop(runId, RunState.INTERRUPTED);
    return true;
  }

  /**
   * Counts again the neurons left without a result by an interrupted or cancelled run, once the
   * jobs that were in flight when it stopped have finished; other runs are left as they are.
   *
   * @return the neurons left, or -1 when the run is not stopped
   */
  public synchronized int recordLeft(String runId) {
    RunStatus status = statuses.get(runId);
    if (status == null
        || (status.state() != RunState.INTERRUPTED
            && status.state() != RunState.CANCELLED
            && status.state() != RunState.PAUSED)) {
      return -1;
    }
    RunStatus next = status.stopped(status.state(), status.finishedMillis(), withoutResult(runId));
    records.putStatus(next);
    statuses.put(runId, next);
    return next.left();
  }

  /** Marks a run stopped now, with the neurons it leaves without a result. */
  private void stop(String runId, RunState state) {
    leftCountedAt.put(runId, completed(runId));
    RunStatus next = statuses.get(runId).stopped(state, clock.getAsLong(), withoutResult(runId));
    records.putStatus(next);
    statuses.put(runId, next);
  }

  /**
   * Counts again what a stopped run left once a neuron of it finished since it was last counted:
   * the jobs a worker held when the run was cancelled or interrupted still end with results, and no
   * {@code run} process may be there to count them (a cancel through the API). A run first seen
   * stopped (after a restart) is taken as counted.
   */
  private void recountLeft(RunStatus status) {
    String runId = status.runId();
    long completed = completed(runId);
    Long counted = leftCountedAt.put(runId, completed);
    if (counted != null && counted != completed) {
      int left = recordLeft(runId);
      if (left >= 0) {
        LOG.info("run {} ({}): {} neurons left without a result", runId, status.state().id(), left);
      }
    }
  }

  private long completed(String runId) {
    return board.read(runId, RunProgress::completed).orElse(0L);
  }

  /**
   * The planned neurons without this run's done marker: what it has still to do. Dead latents an
   * SAE run skipped have nothing to do.
   */
  private int withoutResult(String runId) {
    Set<NeuronId> dead = captures.deadLatents(runId);
    int left = 0;
    for (NeuronId neuron : records.plan(runId)) {
      if (!dead.contains(neuron) && !records.doneExists(runId, neuron)) {
        left++;
      }
    }
    return left;
  }

  /**
   * Takes up a stopped run (interrupted, cancelled or failed) with its stored spec: it becomes
   * {@code running} again with the time of the resume, and only what has no result is done again:
   * the neurons without this run's done marker, and for a capture run the capture, collate and
   * weights units without their output (see {@link CaptureRuns#resume}). Neurons with a result
   * count as done, so the run's counts stay those of its whole plan. Like {@link #requeue}, the
   * call waits at most the publish timeout for the broker, and what the broker did not take is
   * published by {@link #publishPending()}.
   *
   * @throws RunNotFoundException when no such run is stored
   * @throws RunConflictException when the run is running or succeeded: nothing to resume
   * @throws PublishPendingException when the broker did not take the jobs in time
   */
  public RunView resume(String runId) {
    return resume(runId, null);
  }

  /**
   * As {@link #resume(String)}, with a new budget: {@code budgetUsd} replaces the run's (null keeps
   * it). A run paused by its budget is resumed only with a higher budget, and any run only with a
   * budget above what it has spent.
   *
   * @throws IllegalArgumentException when the budget is not a positive number
   * @throws RunConflictException when the run's budget (the new one or its own) is spent
   */
  public RunView resume(String runId, Double budgetUsd) {
    RunSpec.checkBudget(budgetUsd);
    int jobCount = markResumed(runId, budgetUsd);
    if (jobCount > 0) {
      awaitBroker(
          runId,
          publishRequeued(runId),
          (reason, cause) -> PublishPendingException.resumed(runId, jobCount, reason, cause));
    }
    return view(runId);
  }

  /** Checks that the run can be resumed, sets its progress and queues its jobs; returns them. */
  private synchronized int markResumed(String runId, Double newBudget) {
    RunStatus status = view(runId).status();
    switch (status.state()) {
      case RUNNING ->
          throw new RunConflictException(
              "run "
                  + runId
                  + " is running: nothing to resume (`status "
                  + runId
                  + "` follows it)");
      case SUCCEEDED ->
          throw new RunConflictException(
              "run "
                  + runId
                  + " succeeded at "
                  + Instant.ofEpochMilli(status.finishedMillis())
                  + ": every neuron has its result, nothing to resume");
      default -> {
        // interrupted, cancelled or failed: resumed below
      }
    }
    RunSpec spec = specs.get(runId);
    if (spec == null) {
      throw new IllegalStateException("run " + runId + " has no stored spec to resume with");
    }
    Double budget = newBudget != null ? newBudget : status.budgetUsd();
    double spent = budgets.spent(runId, status);
    boolean raised =
        newBudget != null && (status.budgetUsd() == null || newBudget > status.budgetUsd());
    if (status.state() == RunState.PAUSED && !raised) {
      throw new RunConflictException(
          String.format(
              Locale.ROOT,
              "run %s is paused (%s): resume it with a budget above $%.4f",
              runId,
              status.reason(),
              status.budgetUsd()));
    }
    if (budget != null && spent >= budget) {
      throw new RunConflictException(
          String.format(
              Locale.ROOT,
              "run %s has spent $%.4f of its budget of $%.4f: resume it with a higher budget",
              runId,
              spent,
              budget));
    }
    if (budget != null) {
      // A worker's refusal under the old budget is not a reason to pause under the new one.
      records.removeBudgetReached(runId);
    }
    Map<String, Double> done = new HashMap<>();
    Map<String, Map<String, Double>> scores = new HashMap<>();
    List<String> left = new ArrayList<>();
    List<NeuronId> toExplain = new ArrayList<>();
    Set<NeuronId> dead = spec.captures() ? captures.deadLatents(runId) : Set.of();
    for (NeuronId neuron : records.plan(runId)) {
      if (dead.contains(neuron)) {
        continue; // nothing to explain: skipped again below
      }
      Optional<RunRecords.DoneMarker> marker = records.done(runId, neuron);
      if (marker.isPresent()) {
        Double score = marker.get().score();
        done.put(neuron.toString(), score == null || score.isNaN() ? null : score);
        if (marker.get().scores() != null) {
          scores.put(neuron.toString(), marker.get().scores());
        }
      } else {
        left.add(neuron.toString());
        if (!spec.captures() || captures.collated(runId, neuron)) {
          toExplain.add(neuron);
        }
      }
    }
    CaptureRuns.Units units = spec.captures() ? captures.resume(spec) : CaptureRuns.Units.NONE;
    int jobs = toExplain.size() + units.size();
    if (jobs > 0) {
      // Recorded before the run is marked running again, like a re-queue: a coordinator that stops
      // before the broker took the jobs publishes them from this record.
      RunRecords.RequeuedWork work =
          new RunRecords.RequeuedWork(
              runId,
              units(toExplain),
              units.captures(),
              units.collates(),
              units.weights(),
              clock.getAsLong());
      String key = records.putRequeued(work);
      requeued.computeIfAbsent(runId, id -> new ConcurrentSkipListMap<>()).put(key, work);
    }
    board.resumed(runId, done, scores, left);
    board.skipped(
        runId, dead.stream().map(NeuronId::toString).toList(), CaptureRuns.DEAD_LATENT_REASON);
    leftCountedAt.remove(runId);
    RunStatus next = status.resumed(clock.getAsLong(), budget);
    if (budget != null) {
      next = next.withSpent(spent);
    }
    records.putStatus(next);
    statuses.put(runId, next);
    if (!published(runId)) {
      // Its first publishing never finished: this resume's jobs take its place.
      records.putPublished(new RunRecords.PublishedMarker(runId, jobs, clock.getAsLong()));
      published.add(runId);
    }
    LOG.info(
        "resumed run {}: {} of {} neurons without a result, {} jobs to publish",
        runId,
        left.size(),
        done.size() + left.size(),
        jobs);
    return jobs;
  }

  /**
   * Writes each run's changed failures file, then marks running runs whose neurons are all settled:
   * succeeded, or failed if any neuron failed. The files go first, so a run recorded as failed has
   * its reasons beside it. A stopped run whose held jobs finished since has its {@code left}
   * counted again.
   */
  public void settle() {
    statuses.keySet().forEach(this::recordFailures);
    statuses.values().forEach(this::removeCollatedPartials);
    for (RunStatus status : List.copyOf(statuses.values())) {
      if (status.state() == RunState.INTERRUPTED || status.state() == RunState.CANCELLED) {
        recountLeft(status);
      }
      if (status.state() != RunState.RUNNING) {
        continue;
      }
      RunSpec spec = specs.get(status.runId());
      if (spec != null && spec.captures()) {
        captures.advance(spec);
      }
      RunState next =
          board
              .read(
                  status.runId(),
                  p ->
                      p.settled()
                          ? (p.anyFailed() ? RunState.FAILED : RunState.SUCCEEDED)
                          : RunState.RUNNING)
              .orElse(RunState.RUNNING);
      if (next != RunState.RUNNING) {
        setState(status.runId(), next);
      } else if (status.budgetUsd() != null) {
        keepBudget(status.runId());
      }
    }
  }

  /**
   * Records a running run's spend in its status, where workers read it, and pauses the run once its
   * budget is reached: by the spend the events report, or by a worker that refused a call.
   */
  private synchronized void keepBudget(String runId) {
    RunStatus status = statuses.get(runId);
    if (status == null || status.state() != RunState.RUNNING || status.budgetUsd() == null) {
      return;
    }
    double spent = budgets.spent(runId, status);
    String reason = budgets.reason(runId, status, spent);
    if (reason != null) {
      RunStatus next = status.paused(clock.getAsLong(), withoutResult(runId), spent, reason);
      records.putStatus(next);
      statuses.put(runId, next);
      LOG.info("run {} paused: {}", runId, reason);
    } else if (status.spentUsd() == null || Math.abs(spent - status.spentUsd()) > 1e-9) {
      RunStatus next = status.withSpent(spent);
      records.putStatus(next);
      statuses.put(runId, next);
    }
  }

  /**
   * Removes a capture run's partials once its collation is complete, unless the run was stopped
   * (interrupted or cancelled: what it kept is left as it was). Also after a restart, for a run
   * that finished before its partials were removed.
   */
  private void removeCollatedPartials(RunStatus status) {
    RunSpec spec = specs.get(status.runId());
    if (spec == null
        || !spec.captures()
        || status.state() == RunState.INTERRUPTED
        || status.state() == RunState.CANCELLED
        || status.state() == RunState.PAUSED) {
      return;
    }
    int removed = captures.removePartialsWhenCollated(spec);
    if (removed > 0) {
      LOG.info(
          "run {}: collation complete, removed its {} capture partials", status.runId(), removed);
    }
  }

  /**
   * Rewrites {@code runs/{id}/failures.jsonl} when the run's failed neurons changed since it was
   * last written by this process (after a restart, once the replay has rebuilt them). A neuron
   * leaves the file when it is re-queued and comes back with its new reason if it fails again.
   */
  private void recordFailures(String runId) {
    long version = board.read(runId, RunProgress::failuresVersion).orElse(0L);
    if (version == failuresWritten.getOrDefault(runId, 0L)) {
      return;
    }
    records.putFailures(runId, board.read(runId, RunProgress::failures).orElse(List.of()));
    failuresWritten.put(runId, version);
  }

  public Map<String, RunStatus> statuses() {
    return Map.copyOf(statuses);
  }

  private synchronized void setState(String runId, RunState state) {
    RunStatus next = statuses.get(runId).with(state, clock.getAsLong());
    records.putStatus(next);
    statuses.put(runId, next);
  }

  private static List<String> units(List<NeuronId> neurons) {
    return neurons.stream().map(NeuronId::toString).toList();
  }

  private static NeuronId neuron(String unit) {
    String[] parts = unit.split(":");
    return new NeuronId(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }
}
