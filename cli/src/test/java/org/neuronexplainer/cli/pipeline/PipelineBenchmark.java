package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.cli.pipeline.broker.LocalKafkaBroker;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * Neurons per second end to end through Kafka with the baseline backends, and CPU per neuron of the
 * pipeline against the stage work alone, with the JVM's CPU split by kind of thread. Warm: two
 * first runs are thrown away, two are measured. Runs only on request: {@code mvn -pl
 * deploy/kafka,cli -am verify -Dit.test=none -Dtest=PipelineBenchmark -Dgroups=benchmark
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false} (which also builds the broker's jars); the broker is the
 * real one as a process. {@code -Dbench.neurons}, {@code -Dbench.runners} and {@code
 * -Dbench.inFlight} change the run size, {@code WORKER_RUNNERS} and {@code WORKER_MAX_IN_FLIGHT}.
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
      // Two consumers of four jobs each: enough to hide the stores' fsyncs, few enough threads
      // for two cores (4 x 8 and 1 x 8 were slower here).
      env.put("WORKER_RUNNERS", System.getProperty("bench.runners", "2"));
      env.put("WORKER_MAX_IN_FLIGHT", System.getProperty("bench.inFlight", "4"));
      KafkaConfig kafka = KafkaConfig.fromEnv(env, broker.bootstrapServers());
      List<Figures> runs = new ArrayList<>();
      try (Coordinator c =
              Coordinator.start(CoordinatorConfig.fromEnv(env, kafka), store, metrics);
          Worker w =
              Worker.start(
                  WorkerConfig.fromEnv(env, kafka),
                  store,
                  Backends.withoutModels(),
                  metrics,
                  RunnerSettings.DEFAULTS)) {
        Await.until(Duration.ofSeconds(30), "the coordinator to catch up", c::caughtUp);
        // Two runs to warm up: after one, the JIT was still compiling through the next.
        measure(c, broker, "warmup-1", neurons.size());
        measure(c, broker, "warmup-2", neurons.size());
        runs.add(measure(c, broker, "measured-1", neurons.size()));
        runs.add(measure(c, broker, "measured-2", neurons.size()));
      }
      double alone = stageWorkAlone(store, neurons);
      for (Figures f : runs) {
        System.out.printf(
            "%s: %.1f neurons/s; the pipeline adds %.2f ms CPU per neuron over the stage work"
                + " (%.2f ms in the JVM, %.2f ms in the broker)%n",
            f.runId(),
            f.perSecond(),
            f.jvmMs() - alone + f.brokerMs(),
            f.jvmMs() - alone,
            f.brokerMs());
      }
    }
  }

  /** One measured run: neurons per second, CPU per neuron of the JVM and of the broker. */
  private record Figures(String runId, double perSecond, double jvmMs, double brokerMs) {}

  private static Figures measure(Coordinator c, LocalKafkaBroker broker, String runId, int n)
      throws Exception {
    System.gc(); // the garbage of what came before is not this run's
    long cpu0 = CpuClock.selfNanos();
    ThreadCpu threads0 = ThreadCpu.snapshot();
    long brokerCpu0 = CpuClock.processNanos(broker.pid());
    long t0 = System.nanoTime();
    c.runs().submit(new RunSpec(runId, "store", null, null, null, null, null, null, 3));
    RunView view = PipelineIT.awaitFinished(c, runId, Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
    System.gc(); // this run's garbage is its own: collected inside the measurement
    Figures figures =
        new Figures(
            runId,
            n / seconds,
            (CpuClock.selfNanos() - cpu0) / 1e6 / n,
            (CpuClock.processNanos(broker.pid()) - brokerCpu0) / 1e6 / n);
    System.out.printf(
        "%s: %d neurons in %.1f s = %.1f neurons/s; CPU per neuron %.2f ms coordinator+worker,"
            + " %.2f ms broker%n",
        runId, n, seconds, figures.perSecond(), figures.jvmMs(), figures.brokerMs());
    ThreadCpu.snapshot()
        .since(threads0)
        .forEach(
            (kind, ms) -> {
              if (ms / n >= 0.05) {
                System.out.printf("  %6.2f ms per neuron  %s%n", ms / n, kind);
              }
            });
    return figures;
  }

  /**
   * The same neurons through the handler alone, on one thread: the stage work's own CPU. Returns
   * the last pass's CPU per neuron of the whole JVM, which counts the garbage collection of the
   * stage's allocations as the pipeline's figure does.
   */
  private static double stageWorkAlone(LocalDirectoryStore store, List<NeuronId> neurons) {
    double wholeJvm = Double.NaN;
    RunRecords records = new RunRecords(store);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String runId : List.of("alone-warmup", "alone")) {
      records.putSpec(new RunSpec(runId, "store", null, null, null, null, null, null, 3));
      ExplainAndScoreHandler handler =
          new ExplainAndScoreHandler(
              records,
              new StoreNeuronRecords(store),
              Backends.withoutModels(),
              Duration.ofMinutes(1));
      System.gc();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long user0 = threads.getCurrentThreadUserTime();
      long process0 = CpuClock.selfNanos();
      long t0 = System.nanoTime();
      for (NeuronId id : neurons) {
        ExplainAndScoreJob job =
            new ExplainAndScoreJob(JobHeader.first(runId, 3), id, RunRecords.recordKey(id));
        if (!handler.outputExists(job)) {
          handler.run(job);
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.gc(); // as in the pipeline's runs
      wholeJvm = (CpuClock.selfNanos() - process0) / 1e6 / neurons.size();
      double thread = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / neurons.size();
      System.out.printf(
          "%s: stage work alone %.2f ms CPU per neuron on its thread (%.2f ms in the kernel),"
              + " %.2f ms in the whole JVM (with its garbage collection), %.1f neurons/s on one"
              + " thread%n",
          runId,
          thread,
          thread - (threads.getCurrentThreadUserTime() - user0) / 1e6 / neurons.size(),
          wholeJvm,
          neurons.size() / seconds);
    }
    return wholeJvm;
  }
}
