package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;

/**
 * A store holding a model's neurons and an SAE's latents: the viewer serves the SAE's dataset as a
 * store of its own, says what its units are, and leaves out SAE folders it cannot read.
 */
class SaeDatasetViewerTest {

  @TempDir Path root;
  private ViewerServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(long rescanMillis, AtomicLong clock) {
    ViewerStores stores =
        new ViewerStores(
            List.of(
                new ViewerStores.Entry(
                    "ours", new ViewerService(new LocalDirectoryStore(root), Optional.empty()))),
            rescanMillis,
            clock::get);
    server = ViewerServer.start(stores, "127.0.0.1", 0);
  }

  private JsonNode get(String path) throws Exception {
    return ViewerHttp.getJson(server, path, 200);
  }

  private static List<String> labels(JsonNode info) {
    List<String> labels = new ArrayList<>();
    info.get("stores").forEach(s -> labels.add(s.get("label").asText()));
    return labels;
  }

  @Test
  void anSaeDatasetIsServedAfterItsStoreAndNamesItsLatentsAndTheSae() throws Exception {
    ViewerFixture.write(root);
    SaeFixture.write(root);
    Files.createDirectories(root.resolve("saes/broken"));
    Files.writeString(root.resolve("saes/broken/subject.json"), "{\"kind\": \"sae-latents\",");
    SaeFixture.writeSae(root, "not-an-sae", SaeFixture.ROOT);
    start(30_000, new AtomicLong());

    JsonNode info = get("/api/viewer/info");
    assertThat(labels(info))
        .as("the malformed and the MLP subject records are left out")
        .containsExactly("ours", "ours · SAE res-8 latents (blocks.8.hook_resid_pre)");
    assertThat(info.get("unit").asText()).isEqualTo("neuron");
    assertThat(info.at("/subject/kind").asText()).isEqualTo(DatasetSubject.MLP_NEURONS);
    assertThat(info.at("/subject/architecture").asText()).isEqualTo("GPT2LMHeadModel");

    JsonNode sae = get("/api/viewer/info?store=1");
    assertThat(sae.get("current").asInt()).isEqualTo(1);
    assertThat(sae.get("unit").asText()).isEqualTo("latent");
    JsonNode subject = sae.get("subject");
    assertThat(subject.get("sae").asText()).isEqualTo(SaeFixture.SAE);
    assertThat(subject.get("hook").asText()).isEqualTo(SaeFixture.HOOK);
    assertThat(subject.get("saeArchitecture").asText()).isEqualTo("jumprelu");
    assertThat(subject.get("width").asInt()).isEqualTo(SaeFixture.WIDTH);
    assertThat(subject.get("model").asText()).isEqualTo("gpt2-small-test");
    assertThat(subject.get("deadLatentCount").asInt()).isEqualTo(2);
    assertThat(subject.get("deadLatents").toString()).isEqualTo("[3,7]");
    assertThat(sae.at("/dims/firstLayer").asInt()).isEqualTo(SaeFixture.LAYER);
    assertThat(sae.at("/dims/layers").asInt()).isEqualTo(SaeFixture.LAYER + 1);
    assertThat(sae.at("/dims/neuronsPerLayer").asInt()).isEqualTo(SaeFixture.WIDTH);

    JsonNode latent = get("/api/viewer/neurons/8/5?store=1");
    assertThat(latent.get("unit").asText()).isEqualTo("latent");
    assertThat(latent.get("dead").asBoolean()).isFalse();
    assertThat(latent.at("/files/collatedActivations/status").asText()).isEqualTo("ok");
    assertThat(latent.at("/files/explanations/data/scored_explanations/0/explanation").asText())
        .isEqualTo(SaeFixture.EXPLANATION);
    assertThat(latent.at("/prev/neuron").asInt()).isEqualTo(4);
    assertThat(latent.at("/next/neuron").asInt()).isEqualTo(6);
    assertThat(get("/api/viewer/neurons/8/3?store=1").get("dead").asBoolean()).isTrue();
    assertThat(get("/api/viewer/neurons/8/0?store=1").has("prev"))
        .as("no layer before the hook's")
        .isFalse();
    assertThat(get("/api/viewer/neurons/8/15?store=1").has("next")).isFalse();

    JsonNode overview = get("/api/viewer/overview?store=1");
    assertThat(overview.get("neurons").asInt()).isEqualTo(1);
    assertThat(overview.at("/layers/0/best/0/neuron").asInt()).isEqualTo(5);
    assertThat(get("/api/viewer/overview").get("neurons").asInt())
        .as("the root's own explanations only")
        .isEqualTo(4);
    JsonNode hits = get("/api/viewer/search?q=fjords&store=1");
    assertThat(hits.get("total").asInt()).isEqualTo(1);
    assertThat(get("/api/viewer/search?q=fjords").get("total").asInt()).isZero();

    JsonNode random = get("/api/viewer/random?store=1");
    assertThat(random.get("layer").asInt()).isEqualTo(SaeFixture.LAYER);
    JsonNode raw = get("/raw/subject.json?store=1");
    assertThat(raw.get("deadLatents").toString()).isEqualTo("[3,7]");
  }

  @Test
  void withoutSubjectRecordsTheStoreIsShownAsBefore() throws Exception {
    ViewerFixture.write(root);
    start(30_000, new AtomicLong());

    JsonNode info = get("/api/viewer/info");
    assertThat(labels(info)).containsExactly("ours");
    assertThat(info.get("unit").asText()).isEqualTo("neuron");
    assertThat(info.get("subject").isNull()).isTrue();
    JsonNode neuron = get("/api/viewer/neurons/21/2932");
    assertThat(neuron.get("unit").asText()).isEqualTo("neuron");
    assertThat(neuron.has("dead")).isFalse();
  }

  @Test
  void anSaeDatasetWrittenWhileTheViewerRunsIsAddedAtTheEnd() throws Exception {
    ViewerFixture.write(root);
    AtomicLong clock = new AtomicLong();
    start(30_000, clock);
    assertThat(labels(get("/api/viewer/info"))).containsExactly("ours");

    SaeFixture.write(root);
    assertThat(labels(get("/api/viewer/info"))).as("not looked for again yet").hasSize(1);
    clock.addAndGet(30_000);
    List<String> found =
        Await.until(
            Duration.ofSeconds(20),
            "the new SAE dataset listed",
            () -> labels(get("/api/viewer/info")),
            labels -> labels.size() == 2);
    assertThat(found.get(1)).isEqualTo("ours · SAE res-8 latents (blocks.8.hook_resid_pre)");
    assertThat(get("/api/viewer/neurons/8/5?store=1").get("unit").asText()).isEqualTo("latent");
  }
}
