package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.pipeline.broker.BrokerJars;
import org.neuronexplainer.cli.pipeline.broker.LocalKafkaBroker;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;

/**
 * The cluster's shape on one machine: the real broker (a process), one coordinator with its HTTP
 * API and token, and a pool of two {@code worker} processes, all on one store. Three runs submitted
 * at once over HTTP, with different selections (two of them overlapping), calibrations and publish
 * policies, one of them cancelled while its jobs are in flight: the other two succeed with exactly
 * their planned neurons, no run counts another's neurons, the cancelled run stays cancelled with
 * what it left and fails nothing of anyone else's, and a job of a run nobody submitted is dropped
 * by the worker that reads it, with a line saying so.
 */
class ClusterRunsIT {

  private static final String TOKEN = "cluster-runs-token-0123456789";
  private static final String CANCELLED = "run-cancelled";
  private static final String UNKNOWN = "run-nobody-submitted";
  private static final int NEURONS = 40;
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void threeRunsAtOnceOnOneCoordinatorAndOneWorkerPoolEachKeepToTheirOwnNeurons() throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    Path storeDir = dir.resolve("store");
    LocalDirectoryStore store = new LocalDirectoryStore(storeDir);
    RunRecords records = new RunRecords(store);
    List<NeuronId> all = SyntheticNeurons.write(store, NEURONS);
    List<NeuronId> layer0 = all.stream().filter(n -> n.layerIndex() == 0).toList();
    List<NeuronId> layer1First10 =
        all.stream().filter(n -> n.layerIndex() == 1 && n.neuronIndex() < 10).toList();
    Map<String, List<NeuronId>> planned = new LinkedHashMap<>();
    planned.put("run-layer0", layer0);
    planned.put("run-layer1", layer1First10);
    planned.put(CANCELLED, all);
    Path gate = Files.createFile(dir.resolve("gate"));

    LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), libs);
    List<Process> workers = new ArrayList<>();
    try (FileChannel gateChannel = FileChannel.open(gate, StandardOpenOption.WRITE)) {
      // Shut until the cancel: the cancelled run's results wait in the workers meanwhile.
      FileLock shut = gateChannel.lock();
      Map<String, String> env = env(broker.bootstrapServers(), storeDir);
      try (MetricsSetup metrics = new MetricsSetup();
          Coordinator c = Coordinator.start(CoordinatorConfig.fromEnv(env), store, metrics)) {
        Await.until(Duration.ofSeconds(30), "the coordinator to catch up", c::caughtUp);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        workers.add(worker(env, "worker-1"));
        workers.add(worker(env, "worker-2"));
        Await.until(
            LIMIT,
            "both workers to serve",
            () ->
                log("worker-1").contains("/metrics on") && log("worker-2").contains("/metrics on"));

        // Three submissions at once, each on its own connection.
        List<CompletableFuture<HttpResponse<String>>> submits =
            List.of(
                submit(c, "{\"runId\":\"run-layer0\",\"layers\":\"0\"}"),
                submit(
                    c,
                    "{\"runId\":\"run-layer1\",\"layers\":\"1\",\"neurons\":\"0-9\","
                        + "\"calibration\":\"percentile\",\"publish\":\"none\"}"),
                submit(
                    c, "{\"runId\":\"" + CANCELLED + "\",\"publish\":\"none\",\"maxAttempts\":1}"));
        for (CompletableFuture<HttpResponse<String>> submit : submits) {
          HttpResponse<String> created = submit.get(1, TimeUnit.MINUTES);
          assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }

        // Cancelled while a worker holds one of its neurons, which then finishes.
        Await.until(
            LIMIT,
            "a neuron of " + CANCELLED + " in a worker's hands",
            () -> states(c, CANCELLED).path("explaining").asInt() > 0);
        HttpResponse<String> cancelled = post(c, "/api/runs/" + CANCELLED + "/cancel", "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(JSON.readTree(cancelled.body()).path("state").asText()).isEqualTo("cancelled");
        shut.release();

        for (String runId : List.of("run-layer0", "run-layer1")) {
          JsonNode run = awaitFinished(c, runId);
          assertThat(run.path("state").asText()).as(runId).isEqualTo("succeeded");
          assertOwnNeuronsOnly(c, records, runId, planned.get(runId));
        }

        // The cancelled run: every job of it ended (the held ones done, the rest failed as
        // cancelled, none run again), its state kept and what it left counted.
        Await.until(
            LIMIT,
            "every job of " + CANCELLED + " to end",
            () -> {
              JsonNode s = states(c, CANCELLED);
              return s.path("done").asInt() + s.path("failed").asInt() == NEURONS;
            });
        JsonNode run = view(c, CANCELLED);
        assertThat(run.path("state").asText()).isEqualTo("cancelled");
        int withResult = doneMarkers(store, CANCELLED).size();
        assertThat(withResult).as("neurons of the cancelled run held at the cancel").isPositive();
        assertThat(run.at("/progress/states/done").asInt()).isEqualTo(withResult);
        Await.until(
            LIMIT,
            "the cancelled run's left to count what it has no result for",
            () -> view(c, CANCELLED).at("/status/left").asInt(-1) == NEURONS - withResult);
        for (RunFailure failure : records.failures(CANCELLED)) {
          assertThat(failure.reason()).as(failure.neuron()).contains("was cancelled");
        }

        // Only the run that publishes to the view did; the others kept theirs to themselves.
        for (NeuronId n : all) {
          var source = records.explanationSource(n).map(ExplanationSource::runId);
          if (layer0.contains(n)) {
            assertThat(source).as(n.toString()).hasValue("run-layer0");
          } else {
            assertThat(source).as(n.toString()).isEmpty();
          }
        }

        // A job of a run this coordinator never had, published by hand: dropped, counted nowhere.
        Map<String, JsonNode> before = new HashMap<>();
        for (String runId : planned.keySet()) {
          before.put(runId, view(c, runId));
        }
        NeuronId stray = layer0.get(0); // planned in two of the runs
        publishByHand(env, stray);
        Await.until(LIMIT, "a worker to drop the job of " + UNKNOWN, () -> !dropLines().isEmpty());
        assertThat(dropLines())
            .singleElement()
            .asString()
            .contains(stray.toString())
            .contains("no spec for run " + UNKNOWN)
            .contains("(1 dropped of run " + UNKNOWN + " so far)");
        assertThat(store.list("runs/" + UNKNOWN + "/")).isEmpty();
        for (String runId : planned.keySet()) {
          JsonNode now = view(c, runId);
          assertThat(now.get("progress")).as(runId).isEqualTo(before.get(runId).get("progress"));
          assertThat(now.get("status")).as(runId).isEqualTo(before.get(runId).get("status"));
        }
        assertThat(get(c, "/api/runs/" + UNKNOWN).statusCode()).isEqualTo(404);
      } finally {
        stop(workers);
      }
    } finally {
      broker.stop();
    }
  }

  /** A run's progress and records hold its planned neurons, all done, and nothing else. */
  private void assertOwnNeuronsOnly(
      Coordinator c, RunRecords records, String runId, List<NeuronId> neurons) throws Exception {
    JsonNode progress = view(c, runId).get("progress");
    assertThat(progress.path("neurons").asInt()).as(runId).isEqualTo(neurons.size());
    assertThat(progress.at("/states/done").asInt()).as(runId).isEqualTo(neurons.size());
    int counted = 0;
    for (JsonNode n : progress.get("states")) {
      counted += n.asInt();
    }
    assertThat(counted).as(runId + "'s neurons over all states").isEqualTo(neurons.size());
    Set<String> names = neurons.stream().map(NeuronId::toString).collect(Collectors.toSet());
    JsonNode listed = JSON.readTree(get(c, "/api/runs/" + runId + "/neurons").body());
    Set<String> listedNames = new TreeSet<>(listed.findValuesAsText("neuron"));
    assertThat(listedNames).as(runId + "'s listed neurons").isEqualTo(names);
    assertThat(records.failures(runId)).as(runId + "'s failures").isEmpty();
    assertThat(doneMarkers(records.store(), runId))
        .as(runId + "'s done markers")
        .isEqualTo(keys(neurons, n -> RunRecords.doneKey(runId, n)));
    assertThat(new TreeSet<>(records.store().list(RunRecords.runExplanationsPrefix(runId))))
        .as(runId + "'s results")
        .isEqualTo(keys(neurons, n -> RunRecords.runExplanationKey(runId, n)));
  }

  private static Set<String> keys(
      List<NeuronId> neurons, java.util.function.Function<NeuronId, String> key) {
    return neurons.stream().map(key).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> doneMarkers(
      org.neuronexplainer.common.storage.BlobStore store, String runId) {
    return new TreeSet<>(store.list("runs/" + runId + "/done/"));
  }

  private static Map<String, String> env(String bootstrap, Path store) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("KAFKA_TOPIC_PREFIX", "cluster.");
    env.put("KAFKA_PARTITIONS", "4");
    env.put("STORE_DIR", store.toString());
    env.put("COORDINATOR_PORT", "0");
    env.put("COORDINATOR_API_TOKEN", TOKEN);
    env.put("WORKER_RUNNERS", "2");
    env.put("WORKER_MAX_IN_FLIGHT", "4");
    env.put("METRICS_PORT", "0");
    return env;
  }

  private Process worker(Map<String, String> env, String name) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            GatedWorkerMain.class.getName(),
            dir.resolve("gate").toString(),
            CANCELLED);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    return pb.start();
  }

  /** SIGTERM, the clean stop a pod gets; SIGKILL only for one that does not end in time. */
  private static void stop(List<Process> workers) throws InterruptedException {
    for (Process p : workers) {
      p.destroy();
    }
    for (Process p : workers) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
    }
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** The workers' lines about dropping a job of the unknown run. */
  private List<String> dropLines() {
    Predicate<String> drop = l -> l.contains("dropping") && l.contains(UNKNOWN);
    List<String> lines = new ArrayList<>();
    for (String name : List.of("worker-1", "worker-2")) {
      log(name).lines().filter(drop).forEach(lines::add);
    }
    return lines;
  }

  private static void publishByHand(Map<String, String> env, NeuronId neuron) {
    KafkaConfig kafka = KafkaConfig.fromEnv(env);
    try (Publisher publisher =
        new Publisher(
            new KafkaClients(kafka).producer("by-hand"), kafka.topics(), new MessageCodec())) {
      new JobPublisher(publisher)
          .explainAndScore(
              new RunSpec(UNKNOWN, "store", null, null, null, null, null, null, 1),
              List.of(neuron));
    }
  }

  /** A submission on its own thread and connection. */
  private static CompletableFuture<HttpResponse<String>> submit(Coordinator c, String body) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return post(c, "/api/runs", body);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private JsonNode awaitFinished(Coordinator c, String runId) {
    return Await.until(
        LIMIT,
        runId + " to finish",
        () -> view(c, runId),
        v -> !v.path("state").asText().equals("running"));
  }

  private static JsonNode states(Coordinator c, String runId) {
    return view(c, runId).at("/progress/states");
  }

  private static JsonNode view(Coordinator c, String runId) {
    try {
      HttpResponse<String> response = get(c, "/api/runs/" + runId);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get(Coordinator c, String path) throws Exception {
    return send(request(c, path).GET());
  }

  private static HttpResponse<String> post(Coordinator c, String path, String body)
      throws Exception {
    return send(
        request(c, path)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json"));
  }

  /** A request with the token to the coordinator's loopback address. */
  private static HttpRequest.Builder request(Coordinator c, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
