package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.cli.capture.SmokeModel;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * A capture run through the pipeline on the smoke model, against a real broker and a local store:
 * capture by layer range and corpus shard, collate by neuron block, then explain-and-score. Its
 * NeuronRecords and token tables must be the bytes one {@code capture} pass writes.
 */
class CaptureRunIT {

  private static final int CONTEXT = 16;
  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  private static Path model;
  private static List<Path> corpus;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    System.setProperty("neuron.explainer.home", Path.of("..").toAbsolutePath().toString());
    System.setProperty("neuron.explainer.cache", shared.resolve("cache").toString());
    model = SmokeModel.ensure();
    corpus = corpus(shared.resolve("corpus"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    System.clearProperty("neuron.explainer.home");
    System.clearProperty("neuron.explainer.cache");
  }

  /** The shipped corpus, twice over in JSONL and once as text: several 64-excerpt blocks. */
  private static List<Path> corpus(Path to) throws IOException {
    Files.createDirectories(to);
    List<String> docs = new ArrayList<>();
    for (Path file : SmokeModel.corpus()) {
      docs.add(Files.readString(file));
    }
    StringBuilder jsonl = new StringBuilder();
    for (String doc : docs) {
      jsonl
          .append(JsonMapper.builder().build().writeValueAsString(Map.of("text", doc + " " + doc)))
          .append('\n');
    }
    Path first = Files.writeString(to.resolve("docs.jsonl"), jsonl.toString());
    Path second = Files.writeString(to.resolve("all.txt"), String.join("\n\n", docs));
    return List.of(first, second);
  }

  /** Fewer quantile keys than the default: the 0.9 boundary is estimated from the pool. */
  private static final int QUANTILE_KEYS = 10;

  private static RunSpec spec(String runId, String modelRef, List<String> files, String layers) {
    return spec(runId, modelRef, files, layers, "one-pass");
  }

  private static RunSpec spec(
      String runId, String modelRef, List<String> files, String layers, String quantiles) {
    CaptureRun capture =
        CaptureRun.of(modelRef, files)
            .withContext(CONTEXT)
            .withSamples(20, 20, 50)
            .withSeed(7)
            .withShards(3)
            .withLayersPerJob(2)
            .withCollateBlock(8)
            .withBatch(8)
            .withPrecision("float32")
            .withQuantileKeys(QUANTILE_KEYS)
            .withQuantiles(quantiles);
    return new RunSpec(runId, null, layers, "0-19", "baseline", "baseline", "linear", null, 2)
        .withCapture(capture);
  }

  private Map<String, String> env(String prefix) {
    Map<String, String> env = PipelineIT.env(BROKER, dir, prefix);
    env.put("WORKER_STAGES", "capture,collate,explain-and-score,weights");
    env.put("WORKER_CAPTURE_DEVICE", "cpu");
    return env;
  }

  private static Worker worker(Map<String, String> env, BlobStore store, MetricsSetup m) {
    return Worker.start(
        WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)),
        store,
        Backends.withoutModels(),
        m,
        PipelineIT.FAST_RETRIES);
  }

  @Test
  void aShardedCaptureRunWritesTheOnePassRecordsAndSurvivesACoordinatorRestart() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    List<String> files = corpus.stream().map(Path::toString).toList();
    Map<String, String> env = env("capture.");
    RunSpec spec = spec("run-capture", model.toString(), files, null);
    try (MetricsSetup metrics = new MetricsSetup();
        Worker w = worker(env, store, metrics)) {
      Coordinator first = PipelineIT.coordinator(env, store, metrics);
      RunView submitted = first.runs().submit(spec);
      assertThat(submitted.status().neuronCount()).isEqualTo(4 * 20);
      // 2 layer ranges x 3 shards of capture; 4 layers x 3 blocks (0-7, 8-15, 16-19) of collate.
      awaitUnits(first, "capture:succeeded", 6);
      RunProgress.Summary before = first.runs().view("run-capture").progress();
      first.close();
      try (MetricsSetup second = new MetricsSetup();
          Coordinator again = PipelineIT.coordinator(env, store, second)) {
        RunProgress.Summary after = again.runs().view("run-capture").progress();
        assertThat(after.units().get("capture:succeeded")).isEqualTo(6);
        assertThat(after.states().get("done")).isGreaterThanOrEqualTo(before.states().get("done"));
        RunView view = PipelineIT.awaitFinished(again, "run-capture", Duration.ofSeconds(120));
        assertThat(view.status().state())
            .as(String.valueOf(view.progress()))
            .isEqualTo(RunState.SUCCEEDED);
        assertThat(view.progress().states().get("done")).isEqualTo(80);
        assertThat(view.progress().units()).containsEntry("collate:succeeded", 12);
      }
    }
    for (int layer = 0; layer < 4; layer++) {
      for (int neuron = 0; neuron < 20; neuron++) {
        assertThat(dir.resolve("explanations/" + layer + "/" + neuron + ".jsonl")).exists();
      }
    }
    Map<String, byte[]> expected = onePass(files, "one-pass", "" + QUANTILE_KEYS);
    Map<String, byte[]> actual = files(dir);
    assertThat(expected).hasSize(4 * 20 * 2);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((key, bytes) -> assertThat(actual.get(key)).as(key).isEqualTo(bytes));
    // The run's quantile keys reached the records: the default keys give other boundaries.
    Map<String, byte[]> defaultKeys = onePass(files, "default-keys", "512");
    assertThat(expected.keySet())
        .anyMatch(key -> !Arrays.equals(expected.get(key), defaultKeys.get(key)));
    // The corpus was cut once into three stored shards, whose union is the whole corpus.
    assertThat(dir.resolve("runs/run-capture/corpus/excerpts.json")).exists();
    assertThat(dir.resolve("runs/run-capture/corpus/shard-2-of-3.bin")).exists();
    // Collation succeeded: the partials are gone, the collate markers stay.
    assertThat(store.list("runs/run-capture/partials/")).isEmpty();
    assertThat(store.list("runs/run-capture/collated/")).hasSize(12);
  }

  @Test
  void badInputIsRefusedOrFailsTheRunWithAReasonLeavingNothingAndARequeueFinishesIt()
      throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    Map<String, String> env = env("bad.");
    List<String> files = corpus.stream().map(Path::toString).toList();
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c = PipelineIT.coordinator(env, store, metrics);
        Worker w = worker(env, store, metrics)) {
      assertThatThrownBy(
              () ->
                  c.runs().submit(spec("no-model", dir.resolve("nowhere").toString(), files, null)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nowhere")
          .hasMessageContaining("no such directory");
      assertThatThrownBy(() -> c.runs().submit(spec("bad-layer", model.toString(), files, "2-9")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("layer 4 does not exist")
          .hasMessageContaining("0..3");
      assertThat(dir.resolve("runs/no-model")).doesNotExist();
      assertThat(dir.resolve("runs/bad-layer")).doesNotExist();

      // Through the API, as `submit` sends it: the capture settings are a nested object.
      ObjectMapper json = new ObjectMapper();
      HttpResponse<String> refused =
          PipelineIT.post(
              c.port(),
              "/api/runs",
              PipelineIT.TOKEN,
              json.writeValueAsString(spec("api-bad-layer", model.toString(), files, "7")));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("layer 7 does not exist");
      HttpResponse<String> twoPass =
          PipelineIT.post(
              c.port(),
              "/api/runs",
              PipelineIT.TOKEN,
              json.writeValueAsString(
                  spec("api-two-pass", model.toString(), files, null, "two-pass")));
      assertThat(twoPass.statusCode()).isEqualTo(400);
      assertThat(twoPass.body())
          .contains("two-pass is not supported by pipeline runs", "use the capture command");
      assertThat(dir.resolve("runs/api-two-pass")).doesNotExist();
      String missing = dir.resolve("missing-corpus.jsonl").toString();
      HttpResponse<String> created =
          PipelineIT.post(
              c.port(),
              "/api/runs",
              PipelineIT.TOKEN,
              json.writeValueAsString(
                  spec("bad-corpus", model.toString(), List.of(files.get(0), missing), null)));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).contains("\"source\":\"capture\"", "\"shards\":3");
      RunView view = PipelineIT.awaitFinished(c, "bad-corpus", Duration.ofSeconds(60));
      assertThat(view.status().state()).isEqualTo(RunState.FAILED);
      List<RunProgress.NeuronView> failed = c.runs().neurons("bad-corpus", NeuronState.FAILED);
      assertThat(failed).hasSize(80);
      assertThat(failed)
          .allSatisfy(
              n -> {
                assertThat(n.stage()).isEqualTo("capture");
                assertThat(n.reason()).contains("missing-corpus.jsonl");
              });
      assertThat(dir.resolve("runs/bad-corpus/corpus")).doesNotExist();
      assertThat(dir.resolve("runs/bad-corpus/partials")).doesNotExist();
      assertThat(dir.resolve("collated-activations")).doesNotExist();

      // Once the file is there, a re-queue sends the failed capture units out again.
      Files.copy(Path.of(files.get(0)), Path.of(missing));
      assertThat(PipelineIT.post(c.port(), "/api/runs/bad-corpus/requeue", PipelineIT.TOKEN, "{}"))
          .satisfies(r -> assertThat(r.body()).contains("0:0", "3:19"));
      view = PipelineIT.awaitFinished(c, "bad-corpus", Duration.ofSeconds(120));
      assertThat(view.status().state())
          .as("%s %s", view.progress(), c.runs().neurons("bad-corpus", NeuronState.FAILED))
          .isEqualTo(RunState.SUCCEEDED);
      assertThat(view.progress().states()).containsEntry("done", 80);
      assertThat(view.progress().units()).containsEntry("capture:succeeded", 6);
    }
  }

  /** The records and token tables of one {@code capture} pass with the run's settings. */
  private Map<String, byte[]> onePass(List<String> files, String folder, String quantileKeys)
      throws IOException {
    Path out = dir.resolve(folder);
    int code =
        Main.commandLine()
            .execute(
                "capture",
                "--model",
                model.toString(),
                "--corpus",
                files.get(0),
                files.get(1),
                "--out",
                out.toString(),
                "--context",
                "" + CONTEXT,
                "--top",
                "20",
                "--random",
                "20",
                "--pool",
                "50",
                "--seed",
                "7",
                "--quantile-keys",
                quantileKeys,
                "--neurons",
                "0-19",
                "--batch",
                "8",
                "--progress",
                "none",
                "--device",
                "cpu");
    assertThat(code).isZero();
    return files(out);
  }

  private static void awaitUnits(Coordinator c, String key, int count) {
    Await.until(
        Duration.ofSeconds(120),
        count + " units " + key,
        () -> c.runs().view("run-capture"),
        v -> v.progress() != null && v.progress().units().getOrDefault(key, 0) >= count);
  }

  /** NeuronRecords and activation-based token tables under a store, by key. */
  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (String top : List.of("collated-activations", "related-tokens/activation-based")) {
      Path base = root.resolve(top);
      try (Stream<Path> walk = Files.walk(base)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          out.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return out;
  }
}
