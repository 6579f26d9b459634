package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.RunnerSettings;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import org.neuronexplainer.worker.simulate.Simulator;

/**
 * The pipeline end to end against a real (in-process, single-node KRaft) broker and a local
 * directory store: coordinator and worker each with their own Kafka clients.
 */
class PipelineIT {

  static final String TOKEN = "test-token-0123456789";
  static final RunnerSettings FAST_RETRIES =
      RunnerSettings.DEFAULTS
          .withRetryDelays(Duration.ofMillis(100), Duration.ofMillis(200))
          .withBusyPoll(Duration.ofMillis(200));

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir Path dir;

  private Map<String, String> env(String prefix) {
    return env(BROKER, dir, prefix);
  }

  /** A coordinator's and worker's environment on {@code broker} and a store under {@code dir}. */
  static Map<String, String> env(TestBroker broker, Path dir, String prefix) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("KAFKA_TOPIC_PREFIX", prefix);
    env.put("KAFKA_PARTITIONS", "4");
    env.put("STORE_DIR", dir.toString());
    env.put("COORDINATOR_PORT", "0");
    env.put("COORDINATOR_API_TOKEN", TOKEN);
    env.put("WORKER_RUNNERS", "2");
    return env;
  }

  static Coordinator coordinator(Map<String, String> env, BlobStore store, MetricsSetup m)
      throws Exception {
    Coordinator c = Coordinator.start(CoordinatorConfig.fromEnv(env), store, m);
    Await.until(Duration.ofSeconds(30), "the coordinator to catch up", c::caughtUp);
    return c;
  }

  private static Worker worker(
      Map<String, String> env, BlobStore store, Backends b, MetricsSetup m) {
    return Worker.start(
        WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)), store, b, m, FAST_RETRIES);
  }

  private static RunSpec spec(String runId, int maxAttempts) {
    return new RunSpec(
        runId, "store", null, null, "baseline", "baseline", "linear", null, maxAttempts);
  }

  static RunView awaitFinished(Coordinator c, String runId, Duration limit) {
    return Await.until(
        limit,
        runId + " to finish",
        () -> c.runs().view(runId),
        v -> v.status().state().finished());
  }

  static void awaitDone(Coordinator c, String runId, int neurons) {
    Await.until(
        Duration.ofSeconds(60),
        neurons + " neurons of " + runId + " done",
        () -> done(c, runId) >= neurons);
  }

  @Test
  void aRunCompletesWritesEveryResultOnceAndExportsTheDocumentedMetrics() throws Exception {
    CountingStore store = new CountingStore(new LocalDirectoryStore(dir));
    List<NeuronId> neurons = SyntheticNeurons.write(store, 40);
    Map<String, String> env = env("e2e.");
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c = coordinator(env, store, metrics);
        Worker w = worker(env, store, Backends.withoutModels(), metrics)) {
      c.runs().submit(spec("run-e2e", 3));
      RunView view = awaitFinished(c, "run-e2e", Duration.ofSeconds(60));
      assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(view.progress().states().get("done")).isEqualTo(40);
      assertThat(view.progress().meanScore()).isNotNull();
      for (NeuronId n : neurons) {
        String key = "explanations/" + n.layerIndex() + "/" + n.neuronIndex() + ".jsonl";
        assertThat(store.puts(key)).as(key).isEqualTo(1);
      }
      String scrape = get(c.port(), "/metrics", null).body();
      for (String name : documentedNames()) {
        assertThat(scrape).as("metric " + name).containsPattern("(?m)^" + name + "[{ ]");
      }
      assertThat(scrape).contains("neuronexplainer_neurons{run=\"run-e2e\",state=\"done\"} 40.0");
      assertThat(get(c.port(), "/readyz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theApiNeedsTheBearerTokenButHealthAndMetricsDoNot() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    SyntheticNeurons.write(store, 2);
    Map<String, String> env = env("auth.");
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c = coordinator(env, store, metrics)) {
      assertThat(get(c.port(), "/api/runs", null).statusCode()).isEqualTo(401);
      assertThat(get(c.port(), "/api/runs", "wrong-token-0123456789").statusCode()).isEqualTo(401);
      assertThat(get(c.port(), "/api/runs", TOKEN).statusCode()).isEqualTo(200);
      assertThat(get(c.port(), "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(get(c.port(), "/metrics", null).statusCode()).isEqualTo(200);
      HttpResponse<String> created =
          post(c.port(), "/api/runs", TOKEN, "{\"runId\":\"api-run\",\"layers\":\"0\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).contains("\"runId\":\"api-run\"");
      assertThat(post(c.port(), "/api/runs", TOKEN, "{\"runId\":\"bad id!\"}").statusCode())
          .isEqualTo(400);
      assertThat(get(c.port(), "/api/runs/nope", TOKEN).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aRestartedCoordinatorKeepsTheRunsProgress() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    SyntheticNeurons.write(store, 30);
    Map<String, String> env = env("restart.");
    try (MetricsSetup metrics = new MetricsSetup()) {
      Coordinator first = coordinator(env, store, metrics);
      int doneBefore;
      try (Worker w = worker(env, store, Backends.withoutModels(), metrics)) {
        first.runs().submit(spec("run-restart", 3));
        awaitDone(first, "run-restart", 10);
        first.close();
        doneBefore = 10;
        try (MetricsSetup second = new MetricsSetup();
            Coordinator again = coordinator(env, store, second)) {
          assertThat(done(again, "run-restart")).isGreaterThanOrEqualTo(doneBefore);
          RunView view = awaitFinished(again, "run-restart", Duration.ofSeconds(60));
          assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
          assertThat(view.progress().states().get("done")).isEqualTo(30);
        }
      }
    }
  }

  @Test
  void neuronsOfAFailingStageEndFailedWithReasonsAndARequeueFinishesThem() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    SyntheticNeurons.write(store, 20);
    Set<NeuronId> broken = Set.of(new NeuronId(0, 3), new NeuronId(1, 7));
    AtomicBoolean endpointDown = new AtomicBoolean(true);
    Backends flaky = new FailingFor(broken, endpointDown);
    Map<String, String> env = env("faults.");
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c = coordinator(env, store, metrics);
        Worker w = worker(env, store, flaky, metrics)) {
      c.runs().submit(spec("run-faults", 2));
      RunView view = awaitFinished(c, "run-faults", Duration.ofSeconds(60));
      assertThat(view.status().state()).isEqualTo(RunState.FAILED);
      assertThat(view.progress().states().get("done")).isEqualTo(18);
      List<RunProgress.NeuronView> failed = c.runs().neurons("run-faults", NeuronState.FAILED);
      assertThat(failed).extracting(RunProgress.NeuronView::neuron).containsExactly("0:3", "1:7");
      assertThat(failed)
          .allSatisfy(
              f ->
                  assertThat(f.reason()).contains("attempt budget of 2").contains("endpoint down"));
      HttpResponse<String> listed =
          get(c.port(), "/api/runs/run-faults/neurons?state=failed", TOKEN);
      assertThat(listed.body()).contains("endpoint down");
      // On record in the store, beside the run, written before the run was marked failed.
      Path file = dir.resolve(RunRecords.failuresKey("run-faults"));
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(2);
      List<RunFailure> recorded = new RunRecords(store).failures("run-faults");
      assertThat(recorded).extracting(RunFailure::neuron).containsExactly("0:3", "1:7");
      assertThat(recorded)
          .allSatisfy(
              f -> {
                assertThat(f.stage()).isEqualTo("explain-and-score");
                assertThat(f.attempts()).isEqualTo(2);
                assertThat(f.reason()).contains("attempt budget of 2").contains("endpoint down");
              });

      endpointDown.set(false);
      assertThat(post(c.port(), "/api/runs/run-faults/requeue", TOKEN, "{}").body())
          .contains("0:3", "1:7");
      view = awaitFinished(c, "run-faults", Duration.ofSeconds(60));
      assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(view.progress().states().get("done")).isEqualTo(20);
      assertThat(Files.readString(file)).as("no neuron is failed now").isEmpty();
    }
    // Kept after the coordinator and the worker are gone.
    assertThat(Files.exists(dir.resolve(RunRecords.failuresKey("run-faults")))).isTrue();
  }

  static int done(Coordinator c, String runId) {
    RunProgress.Summary s = c.runs().view(runId).progress();
    return s == null ? 0 : s.states().get("done");
  }

  /** Every {@code neuronexplainer_*} name of docs/metrics.md's table. */
  static List<String> documentedNames() throws Exception {
    Path docs = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));
    Path file = docs.resolve("docs/metrics.md");
    if (!Files.exists(file)) {
      file = Path.of("..", "docs", "metrics.md");
    }
    Matcher m =
        Pattern.compile("^\\| `(neuronexplainer_[a-z_]+)` \\| (\\w*) \\|", Pattern.MULTILINE)
            .matcher(Files.readString(file));
    List<String> names = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      if (name.startsWith("neuronexplainer_llm_batch")) {
        continue; // only in the process that runs the batcher (BatchLoopTest)
      }
      // A histogram or summary appears as its _count and _sum series (and a histogram's _bucket).
      boolean distribution = m.group(2).equals("histogram") || m.group(2).equals("summary");
      names.add(distribution ? name + "_count" : name);
    }
    assertThat(names).hasSizeGreaterThanOrEqualTo(11);
    return names;
  }

  static HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(int port, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The baseline backends, with an explainer that fails for chosen neurons while "down". */
  private record FailingFor(Set<NeuronId> broken, AtomicBoolean down) implements Backends {
    @Override
    public Explainer explainer(RunSpec spec) {
      Explainer real = Backends.withoutModels().explainer(spec);
      return (input, llm) ->
          down.get() && broken.contains(input.neuron().neuronId())
              ? CompletableFuture.failedFuture(new IllegalStateException("endpoint down"))
              : real.explain(input, llm);
    }

    @Override
    public Simulator simulator(RunSpec spec) {
      return Backends.withoutModels().simulator(spec);
    }

    @Override
    public LlmTransport transport(RunSpec spec) {
      return LlmTransport.none();
    }
  }

  /** Counts puts per key, to show each result is written exactly once. */
  static final class CountingStore extends ForwardingStore {
    private final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();

    CountingStore(BlobStore inner) {
      super(inner);
    }

    int puts(String key) {
      AtomicInteger n = puts.get(key);
      return n == null ? 0 : n.get();
    }

    @Override
    public void put(String key, byte[] data) {
      puts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      inner.put(key, data);
    }
  }
}
