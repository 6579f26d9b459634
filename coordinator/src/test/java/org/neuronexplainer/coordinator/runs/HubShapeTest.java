package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.HubConfigFiles;
import org.neuronexplainer.common.hub.HubRequests;
import org.neuronexplainer.common.hub.ScriptedHub;
import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunSpec;

/**
 * Plans from the configs of hub models and SAEs, read from a scripted hub on loopback; nothing here
 * touches the real network.
 */
class HubShapeTest {
  private static final String LLAMA = "someone/tiny-llama";
  private static final String SAES = "someone/tiny-llama-saes";

  @TempDir Path model;
  @TempDir Path saes;
  @TempDir Path cache;

  private ScriptedHub hub;

  @BeforeEach
  void start() throws IOException {
    Files.writeString(
        model.resolve("config.json"),
        "{\"architectures\": [\"LlamaForCausalLM\"], \"num_hidden_layers\": 4,"
            + " \"hidden_size\": 64, \"intermediate_size\": 172, \"num_attention_heads\": 4}");
    Path folder = Files.createDirectories(saes.resolve("blocks.2.hook_resid_post"));
    Files.writeString(
        folder.resolve("cfg.json"),
        "{\"d_in\": 64, \"d_sae\": 300, \"hook_name\": \"blocks.2.hook_resid_post\","
            + " \"architecture\": \"jumprelu\"}");
    hub = new ScriptedHub().serve(LLAMA, model).serve(SAES, saes);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private Supplier<HubConfigFiles> hub(Optional<String> token) {
    HubConfigFiles files = new HubConfigFiles(new HubConfig(hub.endpoint(), token, cache));
    return () -> files;
  }

  @Test
  void aLlamaFamilyHubIdAndAnSaeOnTheHubArePlannedFromTheirConfigs() {
    Supplier<HubConfigFiles> files = hub(Optional.empty());
    assertThat(ModelShape.of(LLAMA, files)).isEqualTo(new ModelShape(4, 172, 64));
    String ref = "hf:" + SAES + "/blocks.2.hook_resid_post";
    SaeShape sae = SaeShape.of(ref, files);
    assertThat(sae).isEqualTo(new SaeShape("blocks.2.hook_resid_post", 2, 300, 64));

    RunSpec spec =
        new RunSpec("r", null, null, null, null, null, null, null, 0)
            .withSae("blocks.2.hook_resid_post")
            .withCapture(CaptureRun.of(LLAMA, List.of("c.txt")).withSae(ref));
    CapturePlan plan = CapturePlan.of(spec, ModelShape.of(LLAMA, files), sae);
    assertThat(plan.ranges()).containsExactly(new LayerRange(2, 2));
    assertThat(plan.neurons()).hasSize(300).endsWith(new NeuronId(2, 299));

    // Each config was read once, however often the run was planned.
    assertThat(hub.requests())
        .containsExactly(
            "/" + LLAMA + "/resolve/main/config.json",
            "/" + SAES + "/resolve/main/blocks.2.hook_resid_post/cfg.json");
  }

  @Test
  void theGpt2IdsNeedNoRequest() {
    assertThat(ModelShape.of("openai-community/gpt2-xl", hub(Optional.empty())))
        .isEqualTo(new ModelShape(48, 6400, 1600));
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void aMissingModelOrSaeNamesTheIdTheEndpointAndWhatToDo() {
    Supplier<HubConfigFiles> files = hub(Optional.empty());
    assertThatThrownBy(() -> ModelShape.of("someone/no-such-model", files))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capture.model someone/no-such-model")
        .hasMessageContaining("no such model or file: someone/no-such-model on " + hub.endpoint())
        .hasMessageContaining("HF_TOKEN")
        .hasMessageContaining("checkpoint directory");
    assertThatThrownBy(() -> SaeShape.of("hf:" + SAES + "/blocks.9.hook_resid_pre", files))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capture.sae hf:" + SAES + "/blocks.9.hook_resid_pre")
        .hasMessageContaining("has no blocks.9.hook_resid_pre/cfg.json");
    assertThatThrownBy(() -> SaeShape.of("hf:" + SAES, files))
        .hasMessageContaining("has no cfg.json");
    assertThatThrownBy(() -> SaeShape.of("hf:nothing", files))
        .hasMessageContaining("capture.sae hf:nothing")
        .hasMessageContaining("owner/repository");
  }

  @Test
  void aGatedModelAsksForAToken() {
    hub.answerAll(401);
    assertThatThrownBy(() -> ModelShape.of("meta-llama/Llama-3.2-1B", hub(Optional.empty())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meta-llama/Llama-3.2-1B on " + hub.endpoint())
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("set HF_TOKEN to a token with access");
    assertThatThrownBy(
            () -> SaeShape.of("hf:" + SAES + "/blocks.2.hook_resid_post", hub(Optional.of("t"))))
        .hasMessageContaining("the token in HF_TOKEN is invalid");
  }

  @Test
  void anUnreachableHubNamesTheEndpointAndTheWayAround() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + port);
    HubConfigFiles files =
        new HubConfigFiles(
            new HubConfig(closed, Optional.empty(), cache),
            HubRequests.client(Duration.ofSeconds(2)),
            Duration.ofSeconds(2));
    assertThatThrownBy(() -> ModelShape.of(LLAMA, () -> files))
        .hasMessageContaining(LLAMA + " from " + closed)
        .hasMessageContaining("HF_ENDPOINT")
        .hasMessageContaining("directory");
    assertThatThrownBy(() -> ModelShape.of("./not/a/dir/../x", () -> files))
        .hasMessageContaining("no such directory here, and not a hub id");
  }
}
