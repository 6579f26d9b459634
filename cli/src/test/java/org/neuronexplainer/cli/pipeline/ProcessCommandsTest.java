package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.UserException;

/** The worker process against a broker that is not there. */
class ProcessCommandsTest {

  @TempDir Path dir;

  @Test
  void aWorkerWithoutItsBrokerEndsWithOneLineAfterTheBound() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "127.0.0.1:" + port,
            "KAFKA_CONNECT_TIMEOUT_SECONDS",
            "2",
            "STORE_DIR",
            dir.toString());

    assertThatThrownBy(() -> ProcessCommands.WorkerCommand.serve(env, store -> store))
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith(
            "cannot reach the Kafka broker at 127.0.0.1:" + port + " (KAFKA_BOOTSTRAP_SERVERS)")
        .hasMessageContaining("KAFKA_CONNECT_TIMEOUT_SECONDS")
        .hasMessageNotContaining("\n");
  }
}
