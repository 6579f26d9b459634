package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.pipeline.broker.BrokerJars;
import org.neuronexplainer.cli.pipeline.broker.LocalKafkaBroker;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * The real broker (a process, as in the one-machine run) stopped and started again mid-run: the
 * coordinator and the worker reconnect and the run completes. Skipped when the broker's jars have
 * not been built yet.
 */
class BrokerRestartIT {

  @TempDir Path dir;

  @Test
  void theRunCompletesAcrossABrokerRestart() throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("store"));
    SyntheticNeurons.write(store, 120);
    LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), libs);
    try (MetricsSetup metrics = new MetricsSetup()) {
      Map<String, String> env = new HashMap<>();
      env.put("STORE_DIR", store.root().toString());
      env.put("KAFKA_PARTITIONS", "4");
      env.put("COORDINATOR_PORT", "0");
      env.put("COORDINATOR_API_TOKEN", "restart-token-0123456");
      env.put("WORKER_RUNNERS", "2");
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
        Await.until(Duration.ofSeconds(30), "the coordinator to catch up", c::caughtUp);
        c.runs().submit(new RunSpec("run-broker", "store", null, null, null, null, null, null, 3));
        PipelineIT.awaitDone(c, "run-broker", 10);
        broker.stop();
        // The same data directory keeps the port chosen at the first start.
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), libs);
        assertThat(broker.bootstrapServers()).isEqualTo(kafka.bootstrapServers());
        RunView view = PipelineIT.awaitFinished(c, "run-broker", Duration.ofSeconds(120));
        assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(view.progress().states().get("done")).isEqualTo(120);
      }
    } finally {
      broker.stop();
    }
  }
}
