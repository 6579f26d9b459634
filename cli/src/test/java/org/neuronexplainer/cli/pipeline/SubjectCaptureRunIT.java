package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.capture.SmokeModel;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.coordinator.viewer.ViewerServer;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.coordinator.viewer.ViewerStores;
import org.neuronexplainer.worker.capture.Gpt2Config;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint;
import org.neuronexplainer.worker.capture.SaeFixture;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * Capture runs of the subjects beyond GPT-2's MLP neurons, end to end through a real broker: a
 * Llama-family model's MLP neurons, and an SAE's latents over GPT-2 (its dead latents skipped),
 * captured, collated, explained and scored, and shown by the viewer over HTTP.
 */
class SubjectCaptureRunIT {

  private static final int CONTEXT = 16;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path llama;
  private static List<String> corpus;

  @BeforeAll
  static void setUp() throws Exception {
    System.setProperty("neuron.explainer.home", Path.of("..").toAbsolutePath().toString());
    System.setProperty("neuron.explainer.cache", shared.resolve("cache").toString());
    llama = shared.resolve("tiny-llama");
    new RandomLlamaCheckpoint(
            RandomLlamaCheckpoint.Variant.LLAMA,
            2,
            32,
            48,
            4,
            2,
            512,
            64,
            0.2,
            11,
            TensorDtype.F32,
            1)
        .write(llama, Path.of("..").toAbsolutePath().resolve("examples/smoke-model"));
    corpus = SmokeModel.corpus().stream().map(Path::toString).toList();
  }

  @AfterAll
  static void tearDown() {
    System.clearProperty("neuron.explainer.home");
    System.clearProperty("neuron.explainer.cache");
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

  private static CaptureRun capture(String model) {
    return CaptureRun.of(model, corpus)
        .withContext(CONTEXT)
        .withSamples(20, 20, 50)
        .withSeed(3)
        .withShards(2)
        .withCollateBlock(16)
        .withBatch(8)
        .withQuantileKeys(10);
  }

  private static JsonNode get(ViewerServer viewer, String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + viewer.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void aLlamaCaptureRunExplainsItsMlpNeuronsAndTheViewerShowsThem() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    Map<String, String> env = env("llama.");
    RunSpec spec =
        new RunSpec("run-llama", null, null, "0-19", "baseline", "baseline", "linear", null, 2)
            .withCapture(capture(llama.toString()));
    try (MetricsSetup metrics = new MetricsSetup();
        Worker w = worker(env, store, metrics);
        Coordinator c = PipelineIT.coordinator(env, store, metrics)) {
      assertThat(c.runs().submit(spec).status().neuronCount()).isEqualTo(2 * 20);
      RunView view = PipelineIT.awaitFinished(c, "run-llama", Duration.ofSeconds(180));
      assertThat(view.status().state())
          .as("%s %s", view.progress(), c.runs().neurons("run-llama", NeuronState.FAILED))
          .isEqualTo(RunState.SUCCEEDED);
      assertThat(view.progress().states()).containsEntry("done", 40);
    }
    for (int layer = 0; layer < 2; layer++) {
      for (int neuron = 0; neuron < 20; neuron++) {
        assertThat(dir.resolve("collated-activations/" + layer + "/" + neuron + ".json")).exists();
        assertThat(dir.resolve("explanations/" + layer + "/" + neuron + ".jsonl")).exists();
      }
    }
    assertThat(dir.resolve("collated-activations/0/20.json")).doesNotExist();
    // The whole model's size, not the 20 neurons the run selected: the coordinator wrote it.
    assertThat(dir.resolve("model.json"))
        .hasContent("{\"layers\": 2, \"neurons_per_layer\": 48}\n");
    try (ViewerServer viewer =
        ViewerServer.start(
            ViewerStores.of(new ViewerService(store, Optional.empty())), "127.0.0.1", 0)) {
      JsonNode neuron = get(viewer, "/api/viewer/neurons/1/7");
      assertThat(neuron.at("/files/collatedActivations/status").asText()).isEqualTo("ok");
      assertThat(neuron.at("/files/explanations/status").asText()).isEqualTo("ok");
      assertThat(neuron.at("/files/explanations/data/scored_explanations/0/explanation").asText())
          .isNotBlank();
      JsonNode info = get(viewer, "/api/viewer/info");
      assertThat(info.get("unit").asText()).isEqualTo("neuron");
      assertThat(info.at("/subject/architecture").asText()).isEqualTo("LlamaForCausalLM");
      assertThat(info.at("/subject/width").asInt()).isEqualTo(48);
      assertThat(info.at("/dims/layers").asInt()).isEqualTo(2);
      assertThat(info.at("/dims/neuronsPerLayer").asInt()).isEqualTo(48);
    }
    assertThat(Files.readString(dir.resolve("runs/run-llama/spec.json")))
        .contains(llama.toString());
  }

  @Test
  void anSaeCaptureRunOverGpt2ExplainsItsLiveLatentsAndSkipsTheDeadOnes() throws Exception {
    Path smoke = SmokeModel.ensure();
    Path saeDir =
        SaeFixture.random(
                "standard",
                "blocks.1.hook_resid_pre",
                Gpt2Config.read(smoke.resolve("config.json")),
                24,
                5)
            .withDeadLatent(5)
            .write(dir.resolve("sae-in"));
    BlobStore store = new LocalDirectoryStore(dir.resolve("store"));
    Map<String, String> env = env("sae.");
    RunSpec spec =
        new RunSpec("run-sae", null, null, null, "baseline", "baseline", "linear", null, 2)
            .withSae("res-1")
            .withCapture(capture(smoke.toString()).withSae(saeDir.toString()));
    RunView view;
    try (MetricsSetup metrics = new MetricsSetup();
        Worker w = worker(env, store, metrics);
        Coordinator c = PipelineIT.coordinator(env, store, metrics)) {
      assertThat(c.runs().submit(spec).status().neuronCount()).isEqualTo(24);
      view = PipelineIT.awaitFinished(c, "run-sae", Duration.ofSeconds(180));
      assertThat(view.status().state())
          .as("%s %s", view.progress(), c.runs().neurons("run-sae", NeuronState.FAILED))
          .isEqualTo(RunState.SUCCEEDED);
      List<String> skipped =
          c.runs().neurons("run-sae", NeuronState.SKIPPED).stream().map(n -> n.neuron()).toList();
      assertThat(skipped).contains("1:5");
      assertThat(view.progress().states().get("done") + skipped.size()).isEqualTo(24);
      Path sae = dir.resolve("store/saes/res-1");
      DatasetSubject subject =
          DatasetSubject.fromJson(Files.readAllBytes(sae.resolve("subject.json")), "subject.json");
      assertThat(subject.hook()).isEqualTo("blocks.1.hook_resid_pre");
      assertThat(subject.width()).isEqualTo(24);
      // The SAE's size is its subject record's; the model's MLP neurons were not captured.
      assertThat(sae.resolve("model.json")).doesNotExist();
      assertThat(dir.resolve("store/model.json")).doesNotExist();
      assertThat(subject.deadLatents())
          .containsExactlyElementsOf(
              skipped.stream().map(n -> Integer.parseInt(n.substring(2))).sorted().toList());
      for (int latent = 0; latent < 24; latent++) {
        boolean dead = subject.deadLatents().contains(latent);
        assertThat(Files.exists(sae.resolve("collated-activations/1/" + latent + ".json")))
            .as("record of latent %d", latent)
            .isEqualTo(!dead);
        assertThat(Files.exists(sae.resolve("explanations/1/" + latent + ".jsonl")))
            .as("explanation of latent %d", latent)
            .isEqualTo(!dead);
      }
      // The model's own dataset at the root is untouched; the run's records are at the root.
      assertThat(dir.resolve("store/collated-activations")).doesNotExist();
      assertThat(dir.resolve("store/runs/run-sae/spec.json")).exists();
    }
    try (ViewerServer viewer =
        ViewerServer.start(
            new ViewerStores(
                List.of(
                    new ViewerStores.Entry("ours", new ViewerService(store, Optional.empty())))),
            "127.0.0.1",
            0)) {
      JsonNode stores = get(viewer, "/api/viewer/info");
      assertThat(stores.at("/stores/1/sae").asText()).isEqualTo("res-1");
      assertThat(stores.at("/stores/1/parent").asInt()).isZero();
      // The run's own results are at the root; the view they went to is the SAE's.
      JsonNode results = get(viewer, "/api/viewer/runs/run-sae/results");
      assertThat(results.at("/neurons/0/inView").asBoolean()).isTrue();
      JsonNode info = get(viewer, "/api/viewer/info?store=1");
      assertThat(info.get("unit").asText()).isEqualTo("latent");
      assertThat(info.at("/subject/sae").asText()).isEqualTo("res-1");
      JsonNode latent = get(viewer, "/api/viewer/neurons/1/0?store=1");
      assertThat(latent.at("/files/collatedActivations/status").asText()).isEqualTo("ok");
      assertThat(latent.at("/files/explanations/status").asText()).isEqualTo("ok");
    }
  }
}
