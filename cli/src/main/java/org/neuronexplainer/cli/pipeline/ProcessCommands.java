package org.neuronexplainer.cli.pipeline;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.viewer.ModelProbe;
import org.neuronexplainer.common.kafka.BrokerWait;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.ops.OpsServer;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.viewer.BoundedProbe;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.BatchLoop;
import org.neuronexplainer.worker.pipeline.BatchSettings;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import picocli.CommandLine.Command;

/** The two long-running processes, configured from the environment; SIGTERM stops them cleanly. */
public final class ProcessCommands {

  private ProcessCommands() {}

  /** Blocks until the JVM is asked to stop, then closes {@code parts} in the given order. */
  static void runUntilStopped(AutoCloseable... parts) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable part : parts) {
                    try {
                      part.close();
                    } catch (Exception e) {
                      System.err.println("closing " + part + ": " + e);
                    }
                  }
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
  }

  /**
   * Returns once the broker answers, saying on stderr that it waits; a user error after
   * KAFKA_CONNECT_TIMEOUT_SECONDS.
   */
  static void awaitBroker(KafkaConfig kafka, String process) throws InterruptedException {
    try {
      BrokerWait.await(new KafkaClients(kafka), line -> System.err.println(process + ": " + line));
    } catch (BrokerWait.BrokerUnreachableException e) {
      throw new UserException(e.getMessage());
    }
  }

  @Command(
      name = "coordinator",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the coordinator against an external broker and store.",
        "It plans runs, follows their progress on the events topic and serves the REST API",
        "(/api, bearer token), the neuron viewer and run",
        "pages (/), /healthz, /readyz, /metrics. Configuration: KAFKA_BOOTSTRAP_SERVERS,",
        "STORE_URL or STORE_DIR, COORDINATOR_API_TOKEN, COORDINATOR_HOST (127.0.0.1: this",
        "machine only; 0.0.0.0 for every interface), COORDINATOR_PORT (8080),",
        "COORDINATOR_VIEWER (true), COORDINATOR_VIEWER_MODEL (a checkpoint directory: the neuron",
        "pages try texts on it; LLM_* for the prediction), KAFKA_TOPIC_PREFIX, KAFKA_PARTITIONS, KAFKA_CREATE_TOPICS,",
        "KAFKA_CONNECT_TIMEOUT_SECONDS (60: how long to wait for the broker at start; 0: forever).",
        "POST /api/runs/estimate counts prompts with the workers' settings, so give it theirs:",
        "LLM_MODEL, LLM_PRICES, LLM_TOKENIZER, WORKER_PROMPT_TEXTS, WORKER_ALL_AT_ONCE_MAX_TOKENS."
      })
  public static final class CoordinatorCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      MetricsSetup metrics = new MetricsSetup();
      Coordinator coordinator = start(System.getenv(), metrics);
      runUntilStopped(coordinator, metrics);
      return 0;
    }

    /**
     * Starts a coordinator as the command does, from {@code env}. The try-it model ({@value
     * ModelProbe#MODEL_VARIABLE}) is loaded before the broker is waited for, so that a wrong
     * directory ends the start at once, in plain words.
     *
     * @throws UserException for settings that cannot work, the model's included
     */
    static Coordinator start(Map<String, String> env, MetricsSetup metrics) throws Exception {
      CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
      System.err.println("coordinator: " + config);
      Optional<BoundedProbe> probe = ModelProbe.fromEnv(env, config.viewer());
      try {
        awaitBroker(config.kafka(), "coordinator");
        BlobStore store = config.store().open();
        // Estimates count prompts as the workers build them: with the LLM_* and
        // WORKER_PROMPT_TEXTS settings the workers are given.
        StoreRunEstimates estimates;
        try {
          estimates = StoreRunEstimates.fromEnv(env, store);
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage(), 2);
        }
        Coordinator coordinator = Coordinator.start(config, store, metrics, estimates, probe);
        System.err.println(
            "coordinator: listening on " + config.host() + " port " + coordinator.port());
        return coordinator;
      } catch (Exception | Error e) {
        probe.ifPresent(BoundedProbe::close); // the coordinator owns it only once started
        throw e;
      }
    }
  }

  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = {
        "Runs a worker against an external broker and store.",
        "It runs the stages of WORKER_STAGES",
        "(default explain-and-score; any of capture, collate, explain-and-score, weights),",
        "/healthz, /readyz and /metrics on METRICS_HOST (127.0.0.1: this machine only;",
        "0.0.0.0 for every interface) and METRICS_PORT (9400). Configuration:",
        "KAFKA_BOOTSTRAP_SERVERS, STORE_URL or STORE_DIR,",
        "WORKER_RUNNERS (4), WORKER_MAX_IN_FLIGHT (8), WORKER_JOB_TIMEOUT_SECONDS (600),",
        "KAFKA_TOPIC_PREFIX, KAFKA_CONNECT_TIMEOUT_SECONDS (60; 0: wait forever for the broker);",
        "the LLM client of model-backed runs: LLM_BASE_URL, LLM_API_KEY,",
        "LLM_MODEL and the other LLM_* variables."
      })
  public static final class WorkerCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      serve(System.getenv(), store -> store);
      return 0;
    }

    /**
     * Runs a worker from {@code env} until the JVM is asked to stop.
     *
     * @param store wraps the configured store (the identity, except in tests that watch writes)
     */
    static void serve(Map<String, String> env, UnaryOperator<BlobStore> store) throws Exception {
      WorkerConfig config = WorkerConfig.fromEnv(env);
      System.err.println("worker: " + config);
      awaitBroker(config.kafka(), "worker");
      MetricsSetup metrics = new MetricsSetup();
      LlmConfig llm = LlmConfig.fromEnv(env);
      BlobStore blobs = store.apply(config.store().open());
      Worker worker = Worker.startWithLlm(config, llm, blobs, metrics, RunnerSettings.DEFAULTS);
      // The one worker of a deployment with LLM_BATCHER=true sends the batch runs' calls.
      BatchLoop batches = BatchSettings.fromEnv(env).start(llm, blobs);
      if (batches != null) {
        batches.bind(metrics.registry());
        System.err.println("worker: running the batcher of batch runs");
      }
      OpsServer server =
          OpsServer.start(
              config.metricsHost(),
              config.metricsPort(),
              metrics,
              worker.checks(),
              (vertx, router) -> {});
      System.err.println("worker: /metrics on " + config.metricsHost() + " port " + server.port());
      // Runners first (each finishes or hands back its jobs), then the endpoints, then metrics.
      if (batches != null) {
        runUntilStopped(batches, worker, server, metrics);
      } else {
        runUntilStopped(worker, server, metrics);
      }
    }
  }
}
