package org.neuronexplainer.cli.pipeline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.capture.ModelDirectory;
import org.neuronexplainer.cli.capture.SmokeModel;
import org.neuronexplainer.cli.explain.LlmOptions;
import org.neuronexplainer.cli.pipeline.broker.LocalKafkaBroker;
import org.neuronexplainer.cli.viewer.ModelProbe;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.hub.HubSaeRef;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.PublishPendingException;
import org.neuronexplainer.coordinator.runs.RunConflictException;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.coordinator.runs.RunService;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.capture.CheckpointException;
import org.neuronexplainer.worker.capture.Checkpoints;
import org.neuronexplainer.worker.capture.SaeFiles;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.BatchLoop;
import org.neuronexplainer.worker.pipeline.BatchSettings;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole pipeline on one machine: a real Kafka broker (a separate process), the coordinator and
 * a worker in this JVM (each with its own Kafka clients, as in a cluster), one run, a progress bar
 * and a summary.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Explains, simulates and scores neurons on this machine.",
      "It runs the whole pipeline: starts a single-node Kafka broker (or reuses the one already running on --data-dir),",
      "the coordinator and a worker, submits one run, shows its progress and a summary.",
      "The coordinator's --port also serves the neuron viewer and the run's page.",
      "With no --store it uses ~/.neuron-explainer/store, filled on first use with synthetic",
      "NeuronRecords (invented neurons that fire on a class of tokens; they mean nothing).",
      "",
      "With --capture (or --model / --corpus) the run captures its NeuronRecords first:",
      "capture by layer range and corpus shard, collate by neuron block, then explain,",
      "simulate and score. Without --model it uses the smoke model (random weights: its",
      "neurons mean nothing) and, without --corpus, the shipped examples/corpus; the store",
      "defaults to ~/.neuron-explainer/capture-store.",
      "",
      "Ctrl-C marks the run interrupted, lets the jobs in flight finish and exits with 130;",
      "a second Ctrl-C stops at once. Nothing of an interrupted run runs again unless asked:",
      "--resume RUN takes it up with its stored spec and does only what has no result.",
      "When the run ends (but for an interrupted one), its topics are deleted from the broker.",
      "",
      "--dry-run prints the calls, tokens and price the run would have, counted from the",
      "requests its workers would build, and starts nothing. With --budget the run pauses once",
      "its spend and its calls in flight reach the budget (exit status 3); --resume RUN",
      "--budget USD goes on with a higher one.",
      "",
      "Example:",
      "  neuron-explainer run --capture --context 16 --shards 2 --neurons 0-49",
      "  neuron-explainer run --resume run-20250101-120000-1a2b3c",
      "  neuron-explainer run --explainer token-activation-pair --simulator all-at-once --dry-run"
    })
public final class RunCommand implements Callable<Integer> {

  /** The exit status of a run paused by its budget: not failed, not finished either. */
  static final int PAUSED_EXIT = 3;

  /** How long a Ctrl-C waits for the jobs in flight before the JVM ends anyway. */
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(60);

  /** How long {@code run} waits for the coordinator to replay the events topic, by default. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** How long {@code run} waits with no neuron or unit moving before it stops, by default. */
  static final Duration STALL_TIMEOUT = Duration.ofHours(1);

  @Option(names = "--store", description = "store directory holding collated-activations/")
  Path store;

  @Option(
      names = "--resume",
      paramLabel = "RUN",
      description =
          "Resumes a stopped run (interrupted, cancelled, failed or paused) of the store with its"
              + " stored spec, doing only what has no result; flags that change the spec are"
              + " refused, but for --budget, which gives it a new budget. Without --store, the"
              + " default store that holds the run.")
  String resume;

  @Spec CommandSpec command;

  @Option(
      names = "--data-dir",
      description = "Kafka data directory (default ~/.neuron-explainer/kafka)")
  Path dataDir;

  @Mixin RunSpecOptions runSpec;

  @Option(
      names = "--synthetic",
      defaultValue = "120",
      description = "synthetic neurons to create in the default store (default: ${DEFAULT-VALUE})")
  int synthetic;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "coordinator API and /metrics port (default: a free one)")
  int port;

  @Option(
      names = "--host",
      defaultValue = Env.LOOPBACK,
      description =
          "Address the coordinator listens on (default: ${DEFAULT-VALUE}, this machine only;"
              + " 0.0.0.0 for all): its API, the viewer and /metrics.")
  String host;

  @Option(
      names = "--runners",
      defaultValue = "4",
      description = "worker consumers (default: ${DEFAULT-VALUE})")
  int runners;

  @Option(
      names = "--in-flight",
      defaultValue = "8",
      description = "jobs each worker consumer runs at once (default: ${DEFAULT-VALUE})")
  int inFlight;

  @Mixin LlmOptions llm;

  @Mixin RunViewer viewer;

  @Option(
      names = "--capture",
      description = "capture the NeuronRecords from a model and a corpus first (see above)")
  boolean capture;

  @Mixin CaptureOptions captureOptions;

  @Option(names = "--partitions", defaultValue = "8", description = "partitions of new topics")
  int partitions;

  @Option(
      names = "--dry-run",
      description =
          "Print the calls, prompt and completion tokens and the price (sent one by one and"
              + " through the batch API) that the run would have, and start nothing: no broker,"
              + " no coordinator, no call.")
  boolean dryRun;

  @Option(
      names = "--json",
      description =
          "Print the closing summary as one JSON object on standard output (run id, state,"
              + " counts, mean score, tokens, cost, seconds, paths); everything else goes to"
              + " standard error.")
  boolean json;

  /**
   * The run's own topic prefix: the user's {@code KAFKA_TOPIC_PREFIX} (or the default) followed by
   * the run id, so runs sharing a broker never read each other's jobs.
   */
  static String topicPrefix(String userPrefix, String runId) {
    return (userPrefix != null ? userPrefix : KafkaConfig.DEFAULT_PREFIX) + runId + ".";
  }

  /** The run's model when a backend needs one (a user error when none is given), else none. */
  private String llmModel(Map<String, String> env) {
    return runSpec.needsLlmModel() ? llm.requireModel(env) : null;
  }

  /**
   * The spec with the model that simulates recorded, where the simulator has an endpoint of its
   * own; a batch run refuses that, since its calls go through one endpoint's Batch API.
   */
  private static RunSpec simulatedBy(RunSpec spec, LlmConfig llmConfig) {
    if (!llmConfig.splitSimulator() || spec.llmModel() == null || !simulatesWithModel(spec)) {
      return spec;
    }
    if (spec.batch()) {
      throw new UserException(
          "--batch-api sends every call through the explainer's endpoint's Batch API: run it"
              + " without a simulator endpoint of its own (--simulator-url, --simulator-model,"
              + " LLM_SIMULATOR_BASE_URL, LLM_SIMULATOR_MODEL)");
    }
    return spec.withSimulatorModel(llmConfig.simulatorEndpoint().model());
  }

  private static boolean simulatesWithModel(RunSpec spec) {
    try {
      return SimulatorKind.fromConfigName(spec.simulator()).needsModel();
    } catch (IllegalArgumentException e) {
      return false; // an unknown simulator is refused with the spec's other checks
    }
  }

  /** The capture settings: the smoke model and shipped corpus unless others are named. */
  private CaptureRun captureRun() {
    String model =
        captureOptions.model == null
            ? SmokeModel.ensure().toString()
            : ModelDirectory.require(captureOptions.model).toAbsolutePath().toString();
    List<String> corpus =
        captureOptions.corpus != null
            ? captureOptions.corpus
            : SmokeModel.corpus().stream().map(Path::toString).toList();
    return captureOptions.toCapture(model, corpus);
  }

  /**
   * The spec with an SAE on the hub downloaded first and named by its local copy, as the model is:
   * this process plans and captures from them, with no further request to the hub.
   */
  private static RunSpec localSae(RunSpec spec) {
    CaptureRun capture = spec.capture();
    if (capture == null || !capture.capturesSae() || !HubSaeRef.isRef(capture.sae())) {
      return spec;
    }
    Path dir = ModelDirectory.requireSae(capture.sae());
    return spec.withCapture(capture.withSae(dir.toAbsolutePath().toString()));
  }

  /** The bounds of {@code run}'s waits, from the environment. */
  record Waits(Duration start, Duration stall) {
    static Waits fromEnv(Map<String, String> env) {
      Env vars = new Env(env);
      try {
        return new Waits(
            vars.seconds("RUN_START_TIMEOUT_SECONDS", START_TIMEOUT, 86_400),
            vars.seconds("RUN_STALL_TIMEOUT_SECONDS", STALL_TIMEOUT, 7 * 86_400));
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage(), 2);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    Path home = Path.of(System.getProperty("user.home"), ".neuron-explainer");
    if (resume != null) {
      // The run, its store and its state are checked before anything starts.
      ApiCommands.checkRunId(resume, "--resume: ");
      if (dryRun) {
        throw new UserException("--dry-run prices a new run; it does not go with --resume", 2);
      }
      RunResume.refuseSpecFlags(command, command.commandLine().getParseResult());
      Double budget = runSpec.budget();
      checkProcessFlags();
      Path storeDir = RunResume.store(store, home, resume);
      RunSpec spec = RunResume.check(storeDir, resume);
      Waits waits = Waits.fromEnv(System.getenv());
      LlmConfig llmConfig = llm.config(llm.overrides(System.getenv()));
      BlobStore blobs = new LocalDirectoryStore(storeDir.toAbsolutePath());
      err.println("store: " + storeDir + "; resuming run " + resume + " with its stored spec");
      if (budget != null) {
        checkPriced(spec.withBudget(budget), llmConfig);
      }
      return start(err, spec.withBudget(budget), blobs, storeDir, home, llmConfig, waits, true);
    }
    boolean capturing = capture || captureOptions.given();
    // The paths and the spec's flags are checked before anything starts: a mistake costs no broker.
    runSpec.checkSelections();
    if (store != null) {
      StoreDirectory.check(store, capturing);
    }
    checkProcessFlags();
    Waits waits = Waits.fromEnv(System.getenv());
    // The LLM settings are checked before anything starts, so a missing model costs no broker.
    Map<String, String> llmEnv = llm.overrides(System.getenv());
    String llmModel = llmModel(llmEnv);
    LlmConfig llmConfig = llm.config(llmEnv);
    CaptureRun captureRun = capturing ? captureRun() : null;
    String id =
        runSpec.runId() != null ? runSpec.runId() : RunService.newRunId(System.currentTimeMillis());
    // Checked before anything starts, as the LLM settings are.
    RunSpec spec = localSae(simulatedBy(runSpec.spec(id, llmModel, captureRun), llmConfig));
    Path storeDir = store != null ? store : home.resolve(capturing ? "capture-store" : "store");
    BlobStore blobs = new LocalDirectoryStore(storeDir.toAbsolutePath());
    if (capturing) {
      err.println(
          "store: "
              + storeDir
              + "; capturing "
              + (spec.sae() == null
                  ? ""
                  : "the latents of SAE " + spec.sae() + " (into " + spec.dataset() + ") ")
              + "from "
              + spec.capture().model()
              + " over "
              + spec.capture().corpus().size()
              + " corpus file(s)");
    } else if (store == null) {
      int n = SyntheticNeurons.write(blobs, synthetic).size();
      err.println(
          "store: " + storeDir + " (" + n + " synthetic neurons: invented data, not a model's)");
    }
    checkPlannable(spec, blobs, storeDir);
    if (capturing) {
      checkCheckpoints(spec);
    }
    if (dryRun) {
      DryRun.print(
          spec,
          runSpec.promptInputs(),
          blobs,
          llmConfig,
          allAtOnceMaxTokens(llmEnv),
          json,
          System.out,
          err);
      return 0;
    }
    checkPriced(spec, llmConfig);
    return start(err, spec, blobs, storeDir, home, llmConfig, waits, false);
  }

  /** The workers' {@code max_tokens} of all-at-once requests, as this run's worker reads it. */
  private static int allAtOnceMaxTokens(Map<String, String> env) {
    try {
      return new Env(env).integer("WORKER_ALL_AT_ONCE_MAX_TOKENS", 0, 0, 1);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
  }

  /** A budget is kept in dollars: the run's model needs a price. */
  private static void checkPriced(RunSpec spec, LlmConfig llmConfig) {
    if (spec.budgetUsd() == null || spec.llmModel() == null) {
      return;
    }
    // Each endpoint's calls are priced at its own model: both need a price.
    checkPriced(spec.llmModel(), llmConfig);
    if (spec.simulatorModel() != null) {
      checkPriced(spec.simulatorModel(), llmConfig.simulatorEndpoint());
    }
  }

  private static void checkPriced(String model, LlmConfig llmConfig) {
    if (llmConfig.prices().lookup(model).isEmpty()) {
      throw new UserException(
          "--budget needs a price for model "
              + model
              + ": set LLM_PRICES (e.g. "
              + model
              + "=2.5:10, dollars per million prompt:completion tokens)",
          2);
    }
  }

  /**
   * Plans the run against the store as the coordinator will, before anything starts: a store with
   * no NeuronRecords matching the selection, a layer the model lacks or an SAE that does not fit it
   * is named at once, not after the broker is up.
   */
  private static void checkPlannable(RunSpec spec, BlobStore blobs, Path storeDir) {
    try {
      new RunPlanner(blobs).plan(spec);
    } catch (IllegalArgumentException e) {
      // A capture run's plan comes from the model (and SAE), a store run's from the store.
      throw new UserException(
          (spec.captures() ? "" : "--store " + storeDir + ": ") + e.getMessage(), 2);
    }
  }

  /**
   * Checks a capture run's model (and SAE) as the capture workers will load them, from their
   * configs and the tensor files' headers: a missing or mis-shaped tensor is named before the
   * broker starts, not when the first capture job fails.
   */
  private static void checkCheckpoints(RunSpec spec) {
    CaptureRun capture = spec.capture();
    try {
      Checkpoints.check(Path.of(capture.model()));
      if (capture.capturesSae()) {
        SaeFiles.open(spec.sae(), Path.of(capture.sae())).checkWeights();
      }
    } catch (CheckpointException e) {
      throw new UserException(e.getMessage(), 2);
    }
  }

  private void checkProcessFlags() {
    try {
      host = Env.parsedHost(host);
    } catch (IllegalArgumentException e) {
      throw new UserException("--host is '" + host + "': expected " + e.getMessage(), 2);
    }
    if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new UserException("--data-dir " + dataDir + ": not a directory", 2);
    }
  }

  /** Runs the pipeline for a new run or a resumed one, with Ctrl-C handled as the help says. */
  private int start(
      PrintStream err,
      RunSpec spec,
      BlobStore blobs,
      Path storeDir,
      Path home,
      LlmConfig llmConfig,
      Waits waits,
      boolean resuming)
      throws Exception {
    String id = spec.runId();
    Path projectHome = Path.of(System.getProperty("neuron.explainer.home", "."));
    // Set before the broker starts: a Ctrl-C from here on marks the run interrupted (once it is
    // submitted) and lets the jobs in flight finish before the JVM ends; a second one halts.
    AtomicReference<RunService> submitted = new AtomicReference<>();
    AtomicBoolean serving = new AtomicBoolean();
    AtomicReference<LocalKafkaBroker> brokerInUse = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    Thread onInterrupt =
        new Thread(
            () -> {
              interrupt(submitted.get(), id, closed, err);
              leaveNoBroker(brokerInUse.get(), closed);
            },
            "run-interrupted");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    StopSignals signals =
        new StopSignals(
            () -> stopGently(submitted.get(), id, serving.get(), err),
            () -> {
              err.println(
                  "second Ctrl-C: stopping now. Run "
                      + id
                      + " stays marked interrupted; the jobs that were in flight are done again"
                      + " by run --resume "
                      + id);
              // The broker is not left behind, unless another process still uses it.
              LocalKafkaBroker broker = brokerInUse.get();
              if (broker != null) {
                broker.closeNow();
              }
            },
            Runtime.getRuntime()::halt);
    StopSignals.Installed taken = signals.install();
    try {
      return pipeline(
          err,
          spec,
          blobs,
          storeDir,
          home,
          projectHome,
          llmConfig,
          waits,
          resuming,
          submitted,
          serving,
          brokerInUse);
    } finally {
      if (taken != null) {
        taken.close();
      }
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException e) {
        // the JVM is stopping: the hook runs, and has just been told the pipeline is closed
      }
    }
  }

  /**
   * The first Ctrl-C: marks a running run {@code interrupted} and returns, leaving the pipeline to
   * finish the jobs in flight, print the summary and exit with 130. Before the run is submitted,
   * once it has finished, or while serving after it, the process exits as the JVM's own Ctrl-C
   * would.
   */
  private static void stopGently(RunService runs, String id, boolean serving, PrintStream err) {
    if (runs != null && runs.interrupt(id)) {
      err.println();
      err.println(
          "run "
              + id
              + " interrupted: marked so in the store; the jobs in flight finish, the rest are"
              + " left and never run unless asked (run --resume "
              + id
              + "). Ctrl-C again stops at once.");
      if (!serving) {
        return;
      }
    }
    System.exit(StopSignals.INTERRUPTED_EXIT);
  }

  /**
   * SIGTERM (and Ctrl-C where {@link StopSignals} cannot take it) while the run is running: marks
   * it {@code interrupted} in the store, so that its remaining jobs are dropped by the workers and
   * no later process resumes it unasked, then waits (a bounded time) for the pipeline to finish the
   * jobs in flight and close.
   */
  private static void interrupt(
      RunService runs, String id, CountDownLatch closed, PrintStream err) {
    if (runs == null || !runs.interrupt(id)) {
      return; // not submitted yet, or finished: the other hooks stop what is running
    }
    err.println();
    err.println(
        "run "
            + id
            + " interrupted: marked so in the store; the jobs in flight finish, the rest are left"
            + " and never run unless asked (run --resume "
            + id
            + ")");
    try {
      closed.await(INTERRUPT_GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * At exit, when the pipeline has not closed (a Ctrl-C before the run was submitted, or while it
   * is served or closing): gives the broker's lease back, stopping the broker unless another
   * process still uses it, as the pipeline's own close would have.
   */
  private static void leaveNoBroker(LocalKafkaBroker broker, CountDownLatch closed) {
    if (broker != null && closed.getCount() > 0) {
      broker.close();
    }
  }

  private int pipeline(
      PrintStream err,
      RunSpec spec,
      BlobStore blobs,
      Path storeDir,
      Path home,
      Path projectHome,
      LlmConfig llmConfig,
      Waits waits,
      boolean resuming,
      AtomicReference<RunService> submitted,
      AtomicBoolean serving,
      AtomicReference<LocalKafkaBroker> brokerInUse)
      throws Exception {
    String id = spec.runId();
    boolean capturing = spec.captures();
    err.println(
        "starting Kafka (data under "
            + (dataDir != null ? dataDir : home.resolve("kafka"))
            + ")...");
    try (LocalKafkaBroker broker =
            LocalKafkaBroker.start(
                dataDir != null ? dataDir : home.resolve("kafka"),
                LocalKafkaBroker.defaultLibs(projectHome));
        MetricsSetup metrics = new MetricsSetup()) {
      brokerInUse.set(broker);
      Map<String, String> env = new HashMap<>(llm.overrides(System.getenv()));
      env.put("STORE_DIR", storeDir.toAbsolutePath().toString());
      env.remove("STORE_URL");
      env.put("KAFKA_PARTITIONS", Integer.toString(partitions));
      // Each run has topics (and so consumer groups) of its own on the shared broker: another
      // run's worker never sees its jobs, and its leftovers after a Ctrl-C are never read again.
      env.put("KAFKA_TOPIC_PREFIX", topicPrefix(env.get("KAFKA_TOPIC_PREFIX"), id));
      env.put("COORDINATOR_HOST", host);
      env.put("COORDINATOR_PORT", Integer.toString(port));
      viewer.configure(env, System.getenv(), home, err);
      env.put("WORKER_RUNNERS", Integer.toString(runners));
      if (capturing) {
        // One worker serves every stage here; the cluster splits them into pools.
        env.put("WORKER_STAGES", "capture,collate,explain-and-score,weights");
      }
      env.put("WORKER_MAX_IN_FLIGHT", Integer.toString(inFlight));
      KafkaConfig kafka = KafkaConfig.fromEnv(env, broker.bootstrapServers());
      KafkaClients clients = new KafkaClients(kafka);
      if (resuming) {
        // The jobs it left when it stopped are not run again: the resume sends what has no result.
        long left = RunTopics.emptyJobs(clients);
        if (left > 0) {
          err.println("dropped the " + left + " jobs run " + id + " left on its topics");
        }
      }
      RunState ended;
      int code;
      AtomicBoolean topicsDeleted = new AtomicBoolean();
      WorkerConfig workerConfig = WorkerConfig.fromEnv(env, kafka);
      try (Coordinator coordinator =
              Coordinator.start(
                  CoordinatorConfig.fromEnv(env, kafka),
                  blobs,
                  metrics,
                  new StoreRunEstimates(
                      blobs,
                      llmConfig,
                      workerConfig.allAtOnceMaxTokens(),
                      workerConfig.promptTexts()),
                  ModelProbe.fromEnv(env, viewer.viewer));
          Worker worker =
              Worker.startWithLlm(
                  workerConfig, llmConfig, blobs, metrics, RunnerSettings.DEFAULTS);
          // A batch run's calls go out through this process's batcher.
          BatchLoop batches =
              spec.batch() ? BatchSettings.fromEnv(env).enable().start(llmConfig, blobs) : null) {
        if (batches != null) {
          batches.bind(metrics.registry());
        }
        err.println(
            "coordinator: " + RunViewer.address(coordinator) + " (/metrics, /healthz, /readyz)");
        awaitCaughtUp(coordinator, waits.start(), broker);
        long start = System.nanoTime();
        long cpu0 = CpuClock.selfNanos();
        long brokerCpu0 = CpuClock.processNanos(broker.pid());
        RunView view;
        try {
          submitted.set(coordinator.runs());
          view =
              resuming
                  ? coordinator.runs().resume(id, spec.budgetUsd())
                  : coordinator.runs().submit(spec);
        } catch (IllegalArgumentException e) {
          throw new UserException("the run was refused: " + e.getMessage());
        } catch (RunConflictException e) {
          throw new UserException(e.getMessage(), 1);
        } catch (PublishPendingException e) {
          // Recorded; the coordinator goes on publishing, and the run proceeds once it has.
          err.println(e.getMessage());
          view = coordinator.runs().view(id);
        }
        if (resuming) {
          int done = view.progress() == null ? 0 : view.progress().states().get("done");
          int all = view.status().neuronCount();
          err.println("run " + id + " resumed: " + (all - done) + " of " + all + " neurons to do");
        } else {
          err.println("run " + id + ": " + view.status().neuronCount() + " neurons");
        }
        viewer.announce(err, coordinator, id);
        ProgressView progress = new ProgressView(err, System.console() != null);
        Stall stall = new Stall(waits.stall());
        while (!view.status().state().finished()) {
          progress.show(view.progress(), false);
          // A batch run waits for its batches, which may take hours: no stall there.
          if (!spec.batch() && stall.stalled(view.progress())) {
            coordinator.runs().interrupt(id);
            err.println();
            err.println(
                "run "
                    + id
                    + ": nothing moved for "
                    + waits.stall().toSeconds()
                    + " s (RUN_STALL_TIMEOUT_SECONDS); stopped and marked interrupted"
                    + " (run --resume "
                    + id
                    + " takes it up)");
          }
          Thread.sleep(200);
          view = coordinator.runs().view(id);
        }
        progress.show(view.progress(), true);
        double seconds = (System.nanoTime() - start) / 1e9;
        // With --json, standard output holds the JSON summary alone; the text goes with the rest.
        PrintStream summary = json ? err : System.out;
        Summary.print(summary, view, seconds, storeDir, new RunRecords(blobs).failures(id));
        Summary.printCpu(
            summary,
            view,
            CpuClock.selfNanos() - cpu0,
            brokerCpu0 < 0 ? -1 : CpuClock.processNanos(broker.pid()) - brokerCpu0);
        if (json) {
          System.out.println(
              Summary.json(
                  id,
                  view.state(),
                  view.status().reason(),
                  view.progress(),
                  seconds,
                  storeDir,
                  view.spec() == null ? "" : view.spec().dataset(),
                  view.spec() == null ? null : view.spec().refinement()));
          System.out.flush();
        }
        ended = view.status().state();
        if (ended == RunState.INTERRUPTED) {
          // as a shell reports a process ended by Ctrl-C; 1 when it stalled
          code = stall.hit() ? 1 : StopSignals.INTERRUPTED_EXIT;
        } else if (ended == RunState.PAUSED) {
          code = PAUSED_EXIT; // its topics stay, like an interrupted run's, for the resume
        } else {
          code = ended == RunState.SUCCEEDED ? 0 : 1;
          serving.set(true);
          // Served until Ctrl-C; the topics go then, unless a re-queue from the page was cut short.
          RunService runs = coordinator.runs();
          AutoCloseable topics =
              () -> {
                if (runs.view(id).status().state() != RunState.INTERRUPTED) {
                  deleteTopics(clients, id, topicsDeleted, err);
                }
              };
          viewer.serveOn(err, coordinator, worker, coordinator, topics, broker);
        }
      }
      if (ended == RunState.INTERRUPTED) {
        // Counted once the jobs that were in flight have finished and the worker has closed.
        int left = submitted.get().recordLeft(id);
        err.println(
            "run "
                + id
                + " interrupted: "
                + left
                + " neurons without a result; run --resume "
                + id
                + " does them");
      } else if (ended == RunState.PAUSED) {
        int left = submitted.get().recordLeft(id);
        err.println(
            "run "
                + id
                + " paused ("
                + submitted.get().view(id).status().reason()
                + "): "
                + left
                + " neurons without a result; run --resume "
                + id
                + " --budget USD does them with a higher budget");
      } else {
        deleteTopics(clients, id, topicsDeleted, err);
      }
      return code;
    }
  }

  /** Deletes a finished run's topics, once. */
  private static void deleteTopics(
      KafkaClients clients, String id, AtomicBoolean deleted, PrintStream err)
      throws InterruptedException {
    if (!deleted.compareAndSet(false, true)) {
      return;
    }
    String failed = RunTopics.delete(clients);
    if (failed != null) {
      err.println("warning: could not delete the topics of run " + id + ": " + failed);
    }
  }

  /** Waits for the coordinator's replay of the events topic, at most {@code timeout}. */
  private static void awaitCaughtUp(
      Coordinator coordinator, Duration timeout, LocalKafkaBroker broker)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!coordinator.caughtUp()) {
      if (System.nanoTime() - deadline > 0) {
        throw new UserException(
            "the coordinator did not finish reading the events topic within "
                + timeout.toSeconds()
                + " s (RUN_START_TIMEOUT_SECONDS); the broker's log is "
                + broker.brokerLog(),
            1);
      }
      Thread.sleep(50);
    }
  }

  /** Whether a run's progress has not moved for longer than a bound. */
  static final class Stall {
    private final long boundNanos;
    private Object last;
    private long since = System.nanoTime();
    private boolean hit;

    Stall(Duration bound) {
      this.boundNanos = bound.toNanos();
    }

    /** True once, when the progress has not changed for longer than the bound. */
    boolean stalled(RunProgress.Summary progress) {
      Object now =
          progress == null ? null : List.of(progress.states(), progress.stages(), progress.units());
      long t = System.nanoTime();
      if (!Objects.equals(now, last)) {
        last = now;
        since = t;
        return false;
      }
      if (!hit && t - since > boundNanos) {
        hit = true;
        return true;
      }
      return false;
    }

    boolean hit() {
      return hit;
    }
  }
}
