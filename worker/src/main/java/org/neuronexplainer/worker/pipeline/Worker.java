package org.neuronexplainer.worker.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.kafka.StageRunner;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.Topic;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.ops.ReadinessCheck;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.hub.HubModelCache;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;

/**
 * A worker's moving parts: one publisher, the stage runners of its stages (several consumers per
 * stage, each with up to {@code WORKER_MAX_IN_FLIGHT} jobs at a time), their metrics and readiness
 * checks. {@link #close()} stops the runners (each finishes or hands back its job) before the
 * publisher.
 */
public final class Worker implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final Publisher publisher;
  private final List<StageRunner<?>> runners = new ArrayList<>();

  private final AutoCloseable llm;
  private SubjectModels models;

  private Worker(Producer<String, byte[]> producer, Publisher publisher, AutoCloseable llm) {
    this.producer = producer;
    this.publisher = publisher;
    this.llm = llm;
  }

  /**
   * Starts the runners with every backend: one {@link LlmClient} for the process, from {@code llm}
   * (see {@link LlmConfig#fromEnv}), and a second for simulation calls when the simulator has an
   * endpoint of its own; both cache responses under {@code llm-cache/} of {@code store}, feed the
   * worker's LLM meters and add to one usage total. The worker closes them after its runners.
   */
  public static Worker startWithLlm(
      WorkerConfig config,
      LlmConfig llm,
      BlobStore store,
      MetricsSetup metricsSetup,
      RunnerSettings settings) {
    WorkerMetrics metrics = new WorkerMetrics(metricsSetup.registry());
    LlmClients clients = LlmClients.open(llm, store, metrics);
    try {
      RunPrompts prompts = new RunPrompts(new RunRecords(store), config.promptTexts());
      return start(
          config,
          store,
          clients.backends(prompts::forRun, config.allAtOnceMaxTokens()),
          metricsSetup,
          settings,
          metrics,
          clients);
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  /**
   * Starts the runners. Topics must exist (the coordinator creates them; so does {@code run}).
   *
   * @param backends the run backends (tests pass faulty ones)
   */
  public static Worker start(
      WorkerConfig config,
      BlobStore store,
      Backends backends,
      MetricsSetup metricsSetup,
      RunnerSettings settings) {
    return start(
        config,
        store,
        backends,
        metricsSetup,
        settings,
        new WorkerMetrics(metricsSetup.registry()),
        () -> {});
  }

  private static Worker start(
      WorkerConfig config,
      BlobStore store,
      Backends backends,
      MetricsSetup metricsSetup,
      RunnerSettings settings,
      WorkerMetrics metrics,
      AutoCloseable llm) {
    KafkaClients clients = new KafkaClients(config.kafka());
    Topics topics = config.kafka().topics();
    Producer<String, byte[]> producer = clients.producer("worker-" + ProcessIds.id());
    metricsSetup.bind(producer);
    Worker worker = new Worker(producer, new Publisher(producer, topics, new MessageCodec()), llm);
    metrics.registerModel(config.llmModel(), "chat_completions");
    RunRecords records = new RunRecords(store);
    if (config.serves(Stage.EXPLAIN_AND_SCORE)) {
      ExplainAndScoreHandler neuron =
          new ExplainAndScoreHandler(
              records, new StoreNeuronRecords(store), backends, config.jobTimeout());
      MeteredHandler<ExplainAndScoreJob> metered =
          new MeteredHandler<>(neuron, metrics, Stage.EXPLAIN_AND_SCORE.id());
      RunnerSettings runnerSettings = settings.withMaxInFlight(config.maxInFlight());
      for (int i = 0; i < config.runnersPerStage(); i++) {
        worker.startRunner(
            clients, config, metricsSetup, topics.explainAndScore(), metered, runnerSettings);
      }
    }
    if (config.needsSubjectModel()) {
      worker.models =
          new SubjectModels(HubModelCache.fromEnvironment(), config.captureDevice(), metrics);
    }
    // Capture, collate and weights jobs each hold a whole model or layer: one at a time per
    // process, whatever WORKER_RUNNERS says.
    if (config.serves(Stage.CAPTURE)) {
      worker.startRunner(
          clients,
          config,
          metricsSetup,
          topics.capture(),
          new MeteredHandler<>(
              new CaptureHandler(records, worker.models, metrics), metrics, Stage.CAPTURE.id()),
          settings);
    }
    if (config.serves(Stage.COLLATE)) {
      worker.startRunner(
          clients,
          config,
          metricsSetup,
          topics.collate(),
          new MeteredHandler<>(
              new CollateHandler(records, worker.models, new JobPublisher(worker.publisher)),
              metrics,
              Stage.COLLATE.id()),
          settings);
    }
    if (config.serves(Stage.WEIGHTS)) {
      worker.startRunner(
          clients,
          config,
          metricsSetup,
          topics.weights(),
          new MeteredHandler<>(
              new WeightsHandler(records, worker.models), metrics, Stage.WEIGHTS.id()),
          settings);
    }
    return worker;
  }

  private <J extends Job> void startRunner(
      KafkaClients clients,
      WorkerConfig config,
      MetricsSetup metricsSetup,
      Topic<J> topic,
      StageHandler<J> handler,
      RunnerSettings settings) {
    Stage stage = stageOf(topic);
    // The broker's default 500 ms fetch wait showed as idle time between jobs.
    Consumer<String, byte[]> consumer =
        clients.consumer(
            publisher.topics().groupId(stage),
            Map.of(
                // One poll may refill every free slot.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                Math.max(config.kafka().maxPollRecords(), settings.maxInFlight()),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                config.fetchMaxWaitMillis(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                config.sessionTimeoutMillis(),
                // Kafka's own ratio: three heartbeats per session timeout.
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                config.sessionTimeoutMillis() / 3));
    metricsSetup.bind(consumer);
    StageRunner<J> runner = new StageRunner<>(consumer, publisher, topic, handler, settings);
    runners.add(runner);
    runner.start();
  }

  private Stage stageOf(Topic<?> topic) {
    for (Stage stage : Stage.values()) {
      if (publisher.topics().jobs(stage).equals(topic)) {
        return stage;
      }
    }
    throw new IllegalArgumentException("not a job topic: " + topic);
  }

  /** Readiness: every runner's loop is alive. */
  public Map<String, ReadinessCheck> checks() {
    Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
    checks.put(
        "runners",
        () -> {
          for (StageRunner<?> runner : runners) {
            if (!runner.running()) {
              RuntimeException failure = runner.failure();
              return "a stage runner stopped" + (failure == null ? "" : ": " + failure);
            }
          }
          return null;
        });
    return checks;
  }

  @Override
  public void close() {
    // Stop all loops at once, then wait: each hands back or finishes its own job.
    runners.forEach(StageRunner::requestStop);
    runners.forEach(StageRunner::close);
    publisher.flush();
    producer.close();
    if (models != null) {
      models.close();
    }
    try {
      llm.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the LLM client", e);
    }
  }
}
