package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.kafka.local.LocalKafkaBroker;
import org.neuronexplainer.common.messaging.ExplainJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.NeuronHandler;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * Neurons per second end to end through Kafka with the baseline backends, and CPU per neuron of the
 * pipeline against the stage work alone. Warm: a first run is thrown away. Runs only on request:
 * {@code mvn -pl cli -am verify -Dit.test=none -Dtest=PipelineBenchmark -Dgroups=benchmark
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}; the broker is the real one as a
 * process (built by {@code bin/neuron-explainer} or {@code mvn install}).
 */
@Tag("benchmark")
class PipelineBenchmark {

  private static final int NEURONS = Integer.getInteger("bench.neurons", 1000);

  @Test
  void endToEnd() throws Exception {
    Path dir = Files.createTempDirectory("ne-bench");
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("store"));
    List<NeuronId> neurons = SyntheticNeurons.write(store, NEURONS);
    Path home = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));
    try (LocalKafkaBroker broker =
            LocalKafkaBroker.start(dir.resolve("kafka"), LocalKafkaBroker.defaultLibs(home));
        MetricsSetup metrics = new MetricsSetup()) {
      Map<String, String> env = new HashMap<>();
      env.put("STORE_DIR", store.root().toString());
      env.put("KAFKA_PARTITIONS", "8");
      env.put("COORDINATOR_PORT", "0");
      env.put("COORDINATOR_API_TOKEN", "benchmark-token-0123");
      env.put("WORKER_RUNNERS", System.getProperty("bench.runners", "8"));
      env.put("WORKER_MAX_IN_FLIGHT", System.getProperty("bench.inFlight", "8"));
      KafkaConfig kafka = KafkaConfig.fromEnv(env, broker.bootstrapServers());
      try (Coordinator c =
              Coordinator.start(CoordinatorConfig.fromEnv(env, kafka), store, metrics);
          Worker w =
              Worker.start(
                  WorkerConfig.fromEnv(env, kafka),
                  store,
                  Backends.withoutModels(),
                  metrics,
                  RunnerSettings.DEFAULTS)) {
        while (!c.caughtUp()) {
          Thread.sleep(20);
        }
        measure(c, broker, "warmup", neurons.size());
        measure(c, broker, "measured", neurons.size());
      }
      stageWorkAlone(store, neurons);
    }
  }

  private static void measure(Coordinator c, LocalKafkaBroker broker, String runId, int n)
      throws Exception {
    long cpu0 = CpuClock.selfNanos();
    long brokerCpu0 = CpuClock.processNanos(broker.pid());
    long t0 = System.nanoTime();
    c.runs().submit(new RunSpec(runId, "store", null, null, null, null, null, null, 3));
    RunView view = c.runs().view(runId);
    while (!view.status().state().finished()) {
      Thread.sleep(20);
      view = c.runs().view(runId);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
    System.out.printf(
        "%s: %d neurons in %.1f s = %.1f neurons/s; CPU per neuron %.2f ms coordinator+worker,"
            + " %.2f ms broker%n",
        runId,
        n,
        seconds,
        n / seconds,
        (CpuClock.selfNanos() - cpu0) / 1e6 / n,
        (CpuClock.processNanos(broker.pid()) - brokerCpu0) / 1e6 / n);
  }

  /** The same neurons through the handler alone, on one thread: the stage work's own CPU. */
  private static void stageWorkAlone(LocalDirectoryStore store, List<NeuronId> neurons) {
    RunRecords records = new RunRecords(store);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String runId : List.of("alone-warmup", "alone")) {
      records.putSpec(new RunSpec(runId, "store", null, null, null, null, null, null, 3));
      NeuronHandler handler =
          new NeuronHandler(
              records,
              new StoreNeuronRecords(store),
              Backends.withoutModels(),
              Duration.ofMinutes(1));
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (NeuronId id : neurons) {
        ExplainJob job = new ExplainJob(JobHeader.first(runId, 3), id, RunRecords.recordKey(id));
        if (!handler.outputExists(job)) {
          handler.run(job);
        }
      }
      System.out.printf(
          "%s: stage work alone %.2f ms CPU per neuron, %.1f neurons/s on one thread%n",
          runId,
          (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / neurons.size(),
          neurons.size() / ((System.nanoTime() - t0) / 1e9));
    }
  }
}
