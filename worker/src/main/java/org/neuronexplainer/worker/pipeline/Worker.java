package org.neuronexplainer.worker.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.kafka.StageRunner;
import org.neuronexplainer.common.messaging.ExplainJob;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.ops.ReadinessCheck;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * A worker's moving parts: one publisher, the stage runners of its stages (several consumers per
 * stage, one job each at a time), their metrics and readiness checks. {@link #close()} stops the
 * runners (each finishes or hands back its job) before the publisher.
 */
public final class Worker implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final Publisher publisher;
  private final List<StageRunner<?>> runners = new ArrayList<>();

  private Worker(Producer<String, byte[]> producer, Publisher publisher) {
    this.producer = producer;
    this.publisher = publisher;
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
    KafkaClients clients = new KafkaClients(config.kafka());
    Topics topics = config.kafka().topics();
    Producer<String, byte[]> producer = clients.producer("worker-" + ProcessIds.id());
    metricsSetup.bind(producer);
    Worker worker = new Worker(producer, new Publisher(producer, topics, new MessageCodec()));
    WorkerMetrics metrics = new WorkerMetrics(metricsSetup.registry());
    metrics.registerModel(config.llmModel(), "chat_completions");
    if (config.perNeuron()) {
      RunRecords records = new RunRecords(store);
      NeuronHandler neuron =
          new NeuronHandler(records, new StoreNeuronRecords(store), backends, config.jobTimeout());
      MeteredHandler<ExplainJob> metered =
          new MeteredHandler<>(neuron, metrics, Stage.EXPLAIN.id());
      for (int i = 0; i < config.runnersPerStage(); i++) {
        // A runner hands off job by job; the broker's default 500 ms fetch wait showed as idle
        // time between jobs (16 against 30-40 neurons/s in the benchmark with 10 ms).
        Consumer<String, byte[]> consumer =
            clients.consumer(
                topics.groupId(Stage.EXPLAIN),
                Map.of(
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                    config.fetchMaxWaitMillis(),
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                    config.sessionTimeoutMillis(),
                    // Kafka's own ratio: three heartbeats per session timeout.
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                    config.sessionTimeoutMillis() / 3));
        metricsSetup.bind(consumer);
        StageRunner<ExplainJob> runner =
            new StageRunner<>(consumer, worker.publisher, topics.explain(), metered, settings);
        worker.runners.add(runner);
        runner.start();
      }
    }
    return worker;
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
  }
}
