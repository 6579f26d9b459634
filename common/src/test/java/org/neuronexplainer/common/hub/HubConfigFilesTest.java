package org.neuronexplainer.common.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads configs from a scripted hub on loopback; nothing here touches the real network. */
class HubConfigFilesTest {
  @TempDir Path repo;
  @TempDir Path cache;

  private ScriptedHub hub;

  @BeforeEach
  void start() throws IOException {
    Files.writeString(repo.resolve("config.json"), "{\"n_layer\": 2}");
    Files.createDirectories(repo.resolve("blocks.1.hook_resid_pre"));
    Files.writeString(repo.resolve("blocks.1.hook_resid_pre/cfg.json"), "{\"d_in\": 8}");
    hub = new ScriptedHub().serve("someone/tiny", repo);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private HubConfigFiles files(URI endpoint, Optional<String> token) {
    return new HubConfigFiles(new HubConfig(endpoint, token, cache));
  }

  @Test
  void readsAFileOnceWithTheTokenOnTheHub() {
    HubConfigFiles files = files(hub.endpoint(), Optional.of("secret"));
    HubId id = new HubId("someone/tiny", "main");

    assertThat(new String(files.read(id, "config.json"), StandardCharsets.UTF_8))
        .isEqualTo("{\"n_layer\": 2}");
    assertThat(files.read(id, "blocks.1.hook_resid_pre/cfg.json")).isNotEmpty();
    files.read(id, "config.json");

    assertThat(hub.requests())
        .containsExactly(
            "/someone/tiny/resolve/main/config.json",
            "/someone/tiny/resolve/main/blocks.1.hook_resid_pre/cfg.json");
    assertThat(hub.authorizations()).containsOnly("Bearer secret");
  }

  @Test
  void aMissingRepositoryOrFileNamesTheIdAndTheEndpoint() {
    HubConfigFiles files = files(hub.endpoint(), Optional.empty());

    assertThatThrownBy(() -> files.read(new HubId("someone/gone", "main"), "config.json"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("someone/gone")
        .hasMessageContaining(hub.endpoint().toString())
        .hasMessageContaining("HF_TOKEN");
    assertThatThrownBy(() -> files.read(new HubId("someone/tiny", "main"), "x/cfg.json"))
        .hasMessageContaining("someone/tiny on " + hub.endpoint() + " has no x/cfg.json");
  }

  @Test
  void aRefusedAccessAsksForAToken() {
    hub.answerAll(401);
    assertThatThrownBy(
            () ->
                files(hub.endpoint(), Optional.empty())
                    .read(new HubId("meta-llama/Llama-3.2-1B", "main"), "config.json"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("meta-llama/Llama-3.2-1B on " + hub.endpoint())
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("set HF_TOKEN");
    assertThatThrownBy(
            () ->
                files(hub.endpoint(), Optional.of("wrong"))
                    .read(new HubId("meta-llama/Llama-3.2-1B", "main"), "config.json"))
        .hasMessageContaining("the token in HF_TOKEN is invalid");
  }

  @Test
  void anUnreachableHubSaysWhatToDo() throws IOException {
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

    assertThatThrownBy(() -> files.read(new HubId("someone/tiny", "main"), "config.json"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("someone/tiny from " + closed)
        .hasMessageContaining("connection refused")
        .hasMessageContaining("HF_ENDPOINT")
        .hasMessageContaining("directory");
  }
}
