package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.runs.RunView;

/**
 * A worker process killed with SIGKILL mid-run: after another worker process starts, the run
 * completes with every neuron's results present and readable, no neuron failed, and every result
 * written exactly once over both processes (counted by an audit of the store's puts in each).
 */
class WorkerKillIT {

  @RegisterExtension
  static final TestBroker BROKER = new TestBroker().with("group.min.session.timeout.ms", "1000");

  @TempDir Path dir;

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", BROKER.bootstrapServers());
    env.put("KAFKA_TOPIC_PREFIX", "kill.");
    env.put("KAFKA_PARTITIONS", "4");
    env.put("STORE_DIR", dir.resolve("store").toString());
    env.put("COORDINATOR_PORT", "0");
    env.put("COORDINATOR_API_TOKEN", "kill-test-token-0123");
    env.put("WORKER_RUNNERS", "2");
    env.put("WORKER_SESSION_TIMEOUT_MS", "3000");
    env.put("METRICS_PORT", "0");
    return env;
  }

  private Process workerProcess(Map<String, String> env, String name) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            AuditedWorkerMain.class.getName(),
            audit(name).toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    return pb.start();
  }

  @Test
  void theRunCompletesAfterAWorkerIsKilledAndAnotherStarts() throws Exception {
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("store"));
    List<NeuronId> neurons = SyntheticNeurons.write(store, 150);
    Map<String, String> env = env();
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c = Coordinator.start(CoordinatorConfig.fromEnv(env), store, metrics)) {
      Await.until(Duration.ofSeconds(30), "the coordinator to catch up", c::caughtUp);
      Process first = workerProcess(env, "worker-1");
      Process second = null;
      try {
        c.runs().submit(new RunSpec("run-kill", "store", null, null, null, null, null, null, 3));
        try {
          Await.until(Duration.ofSeconds(60), "10 neurons done", () -> done(c) >= 10);
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; worker log:\n" + log("worker-1"), e);
        }
        assertThat(done(c))
            .as(() -> "neurons done before the kill; worker log:\n" + log("worker-1"))
            .isBetween(10, 149);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing handed back
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        second = workerProcess(env, "worker-2");
        RunView view = PipelineIT.awaitFinished(c, "run-kill", Duration.ofSeconds(90));
        assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(view.progress().states().get("done")).isEqualTo(150);
        // Every result written exactly once, by the killed worker or by its successor. A put the
        // kill cut short may have landed without its audit line: then the successor found the
        // same bytes in the store and wrote nothing.
        Map<String, Integer> writes =
            AuditedStore.count(List.of(audit("worker-1"), audit("worker-2")));
        Set<String> cutShort = AuditedStore.unfinished(audit("worker-1"));
        assertThat(writes).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
        for (NeuronId n : neurons) {
          String key = RunRecords.explanationKey(n);
          assertThat(writes.containsKey(key) || cutShort.contains(key))
              .as(key + " written, or its put cut short by the kill")
              .isTrue();
        }
        assertThat(writes.keySet())
            .isSubsetOf(neurons.stream().map(RunRecords::explanationKey).toList());
        for (NeuronId n : neurons) {
          byte[] bytes = store.get(RunRecords.explanationKey(n)).orElseThrow();
          NeuronSimulationResults results =
              DatasetJson.read(bytes, n.toString(), NeuronSimulationResults.class);
          assertThat(results.neuronId()).isEqualTo(n);
          assertThat(store.exists(RunRecords.doneKey("run-kill", n))).isTrue();
        }
      } finally {
        first.destroyForcibly();
        if (second != null) {
          second.destroy(); // SIGTERM: the clean stop
          second.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private Path audit(String name) {
    return dir.resolve(name + ".audit");
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static int done(Coordinator c) {
    var s = c.runs().view("run-kill").progress();
    return s == null ? 0 : s.states().get("done");
  }
}
