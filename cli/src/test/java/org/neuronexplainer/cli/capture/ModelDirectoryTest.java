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
}
