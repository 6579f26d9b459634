package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neuronexplainer.cli.Main;

/**
 * The coordinator and worker processes, started as a user starts them, against a broker address
 * where nothing listens: each says within seconds that it waits for the broker and how long, then
 * ends by itself after KAFKA_CONNECT_TIMEOUT_SECONDS with one line naming the broker, instead of
 * repeating client warnings forever.
 */
class ProcessesWithoutBrokerIT {

  /** The bound under test, then JVM start and the admin client's last try on a busy machine. */
  private static final int BOUND_SECONDS = 8;

  private static final Duration EXIT_LIMIT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker"})
  void endsWithOneLineAfterTheBoundHavingSaidItWaits(String command) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    Path log = dir.resolve(command + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().remove("NEURON_EXPLAINER_DEBUG");
    builder
        .environment()
        .putAll(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "127.0.0.1:" + port,
                "KAFKA_CONNECT_TIMEOUT_SECONDS",
                Integer.toString(BOUND_SECONDS),
                "STORE_DIR",
                dir.resolve("store").toString(),
                "COORDINATOR_API_TOKEN",
                "without-broker-token-0123456789",
                "COORDINATOR_PORT",
                "0",
                "METRICS_PORT",
                "0"));
    Process process = builder.start();
    boolean ended;
    try {
      ended = process.waitFor(EXIT_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      process.destroyForcibly();
      process.waitFor();
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(ended).as(command + " ended by itself; its output: " + lines).isTrue();
    assertThat(process.exitValue()).as(command + "'s exit code").isNotZero();
    String address = "127.0.0.1:" + port + " (KAFKA_BOOTSTRAP_SERVERS)";
    assertThat(lines)
        .as("what %s said while it waited", command)
        .anyMatch(
            l ->
                l.startsWith(command + ": waiting for the Kafka broker at " + address)
                    && l.endsWith(" of " + BOUND_SECONDS));
    assertThat(lines.get(lines.size() - 1))
        .startsWith(
            command
                + ": cannot reach the Kafka broker at "
                + address
                + " within "
                + BOUND_SECONDS
                + " s");
    assertThat(lines)
        .noneMatch(l -> l.contains("Exception") || l.contains("NEURON_EXPLAINER_DEBUG"));
  }
}
