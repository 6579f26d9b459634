package org.neuronexplainer.cli.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.ScriptedHub;
import org.neuronexplainer.worker.capture.SaeFiles;
import org.neuronexplainer.worker.capture.hub.HubModelCache;

class ModelDirectoryTest {
  @TempDir Path tmp;

  @Test
  void aDirectoryIsItself() {
    assertThat(ModelDirectory.require(tmp.toString(), cache("http://127.0.0.1:9"))).isEqualTo(tmp);
  }

  @Test
  void argumentErrorsNameTheOptionAndDownloadErrorsStandAlone() throws IOException {
    Path file = Files.writeString(tmp.resolve("config.json"), "{}");
    assertThatThrownBy(() -> ModelDirectory.require(file.toString(), cache("http://127.0.0.1:9")))
        .isInstanceOf(UserException.class)
        .hasMessage("--model " + file + " is a file; expected a checkpoint directory or a hub id");

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertThatThrownBy(() -> ModelDirectory.require("gpt2-xl", cache("http://127.0.0.1:" + port)))
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith("cannot download gpt2-xl from http://127.0.0.1:" + port)
        .hasMessageContaining("pass its directory with --model DIR");
  }

  private HubModelCache cache(String endpoint) {
    HubConfig config =
        HubConfig.fromEnv(
            Map.of(
                "HF_ENDPOINT", endpoint, "NEURON_EXPLAINER_CACHE", tmp.resolve("cache").toString()),
            tmp);
    return new HubModelCache(config, new PrintStream(OutputStream.nullOutputStream()), false);
  }

  @Test
  void anSaeOnTheHubIsDownloadedAndNamedAfterItsFolder() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo/blocks.1.hook_resid_pre"));
    Files.writeString(
        repo.resolve("cfg.json"),
        "{\"d_in\": 64, \"d_sae\": 8, \"hook_name\": \"blocks.1.hook_resid_pre\","
            + " \"architecture\": \"standard\"}");
    Files.write(repo.resolve("sae_weights.safetensors"), new byte[] {0});
    try (ScriptedHub hub = new ScriptedHub().serve("someone/saes", repo.getParent())) {
      HubModelCache cache = cache(hub.endpoint().toString());
      String ref = "hf:someone/saes/blocks.1.hook_resid_pre";

      Path dir = ModelDirectory.requireSae(ref, cache);
      assertThat(dir)
          .isEqualTo(tmp.resolve("cache/models/someone--saes/main/blocks.1.hook_resid_pre"));
      assertThat(ModelDirectory.requireSae(tmp.toString(), cache)).isEqualTo(tmp);
      // The name comes from the folder, the directory from the cache.
      SaeFiles sae = SaeFiles.parse(ref, loc -> ModelDirectory.requireSae(loc, cache));
      assertThat(sae.name()).isEqualTo("blocks.1.hook_resid_pre");
      assertThat(sae.directory()).isEqualTo(dir);
      assertThat(
              SaeFiles.parse("res-1=" + ref, loc -> ModelDirectory.requireSae(loc, cache)).name())
          .isEqualTo("res-1");

      assertThatThrownBy(() -> ModelDirectory.requireSae("hf:someone/saes/missing", cache))
          .isInstanceOf(UserException.class)
          .hasMessageStartingWith("--sae hf:someone/saes/missing: no such SAE or file")
          .hasMessageContaining("has no missing/cfg.json");
    }
  }
}
