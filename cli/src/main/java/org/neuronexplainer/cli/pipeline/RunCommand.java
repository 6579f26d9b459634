package org.neuronexplainer.cli.pipeline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.capture.ModelDirectory;
import org.neuronexplainer.cli.capture.SmokeModel;
import org.neuronexplainer.cli.explain.LlmOptions;
import org.neuronexplainer.cli.pipeline.broker.LocalKafkaBroker;
import org.neuronexplainer.common.config.Env;
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
import org.neuronexplainer.coordinator.runs.PublishPendingException;
import org.neuronexplainer.coordinator.runs.RunService;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
      "Example:",
      "  neuron-explainer run --capture --context 16 --shards 2 --neurons 0-49"
    })
public final class RunCommand implements Callable<Integer> {

  /** How long a Ctrl-C waits for the jobs in flight before the JVM ends anyway. */
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(60);

  @Option(names = "--store", description = "store directory holding collated-activations/")
  Path store;

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

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    boolean capturing = capture || captureOptions.given();
    // The paths and the spec's flags are checked before anything starts: a mistake costs no broker.
    runSpec.checkSelections();
    if (store != null) {
      StoreDirectory.check(store, capturing);
    }
    try {
      host = Env.parsedHost(host);
    } catch (IllegalArgumentException e) {
      throw new UserException("--host is '" + host + "': expected " + e.getMessage(), 2);
    }
    if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new UserException("--data-dir " + dataDir + ": not a directory", 2);
    }
    // The LLM settings are checked before anything starts, so a missing model costs no broker.
    Map<String, String> llmEnv = llm.overrides(System.getenv());
    String llmModel = llmModel(llmEnv);
    LlmConfig llmConfig = llm.config(llmEnv);
    Path home = Path.of(System.getProperty("user.home"), ".neuron-explainer");
    CaptureRun captureRun = capturing ? captureRun() : null;
    String id =
        runSpec.runId() != null ? runSpec.runId() : RunService.newRunId(System.currentTimeMillis());
    // Checked before anything starts, as the LLM settings are.
    RunSpec spec = runSpec.spec(id, llmModel, captureRun);
    Path storeDir = store != null ? store : home.resolve(capturing ? "capture-store" : "store");
    BlobStore blobs = new LocalDirectoryStore(storeDir.toAbsolutePath());
    if (capturing) {
      err.println(
          "store: "
              + storeDir
              + "; capturing from "
              + captureRun.model()
              + " over "
              + captureRun.corpus().size()
              + " corpus file(s)");
    } else if (store == null) {
      int n = SyntheticNeurons.write(blobs, synthetic).size();
      err.println(
          "store: " + storeDir + " (" + n + " synthetic neurons: invented data, not a model's)");
    }
    Path projectHome = Path.of(System.getProperty("neuron.explainer.home", "."));
    // Set before the broker starts: a Ctrl-C from here on marks the run interrupted (once it is
    // submitted) and lets the jobs in flight finish before the JVM ends.
    AtomicReference<RunService> submitted = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    Thread onInterrupt =
        new Thread(() -> interrupt(submitted.get(), id, closed, err), "run-interrupted");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try {
      return pipeline(err, spec, id, blobs, storeDir, home, projectHome, llmConfig, submitted);
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException e) {
        // the JVM is stopping: the hook runs, and has just been told the pipeline is closed
      }
    }
  }

  /**
   * A Ctrl-C (or SIGTERM) while the run is running: marks it {@code interrupted} in the store, so
   * that its remaining jobs are dropped by the workers and no later process resumes it unasked,
   * then waits (a bounded time) for the pipeline to finish the jobs in flight and close.
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
            + " and never run unless asked (see requeue in docs/pipeline.md)");
    try {
      closed.await(INTERRUPT_GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int pipeline(
      PrintStream err,
      RunSpec spec,
      String id,
      BlobStore blobs,
      Path storeDir,
      Path home,
      Path projectHome,
      LlmConfig llmConfig,
      AtomicReference<RunService> submitted)
      throws Exception {
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
      try (Coordinator coordinator =
              Coordinator.start(CoordinatorConfig.fromEnv(env, kafka), blobs, metrics);
          Worker worker =
              Worker.startWithLlm(
                  WorkerConfig.fromEnv(env, kafka),
                  llmConfig,
                  blobs,
                  metrics,
                  RunnerSettings.DEFAULTS)) {
        err.println(
            "coordinator: " + RunViewer.address(coordinator) + " (/metrics, /healthz, /readyz)");
        while (!coordinator.caughtUp()) {
          Thread.sleep(50);
        }
        long start = System.nanoTime();
        long cpu0 = CpuClock.selfNanos();
        long brokerCpu0 = CpuClock.processNanos(broker.pid());
        RunView view;
        try {
          submitted.set(coordinator.runs());
          view = coordinator.runs().submit(spec);
        } catch (IllegalArgumentException e) {
          throw new UserException("the run was refused: " + e.getMessage());
        } catch (PublishPendingException e) {
          // Recorded; the coordinator goes on publishing, and the run proceeds once it has.
          err.println(e.getMessage());
          view = coordinator.runs().view(id);
        }
        err.println("run " + id + ": " + view.status().neuronCount() + " neurons");
        viewer.announce(err, coordinator, id);
        ProgressView progress = new ProgressView(err, System.console() != null);
        while (!view.status().state().finished()) {
          progress.show(view.progress(), false);
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
          System.out.println(Summary.json(id, view.state(), view.progress(), seconds, storeDir));
          System.out.flush();
        }
        if (view.status().state() == RunState.INTERRUPTED) {
          return 130; // as a shell reports a process ended by Ctrl-C
        }
        viewer.serveOn(err, coordinator, worker, coordinator, broker);
        return view.status().state() == RunState.SUCCEEDED ? 0 : 1;
      }
    }
  }
}
