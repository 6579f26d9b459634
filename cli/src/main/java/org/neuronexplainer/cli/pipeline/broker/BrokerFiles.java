package org.neuronexplainer.cli.pipeline.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The files of a local broker under its data directory. The ports are chosen once, when the
 * configuration is first written, and kept: the controller's address is recorded in the formatted
 * metadata log, so a restart must use the same one.
 */
record BrokerFiles(Path dir) {

  static final String HOST = "127.0.0.1";

  Path serverProperties() {
    return dir.resolve("server.properties");
  }

  Path log4jConfig() {
    return dir.resolve("log4j2.properties");
  }

  Path logDir() {
    return dir.resolve("kraft-logs");
  }

  Path pidFile() {
    return dir.resolve("broker.pid");
  }

  Path brokerLog() {
    return dir.resolve("broker.log");
  }

  /** One file per handle that uses the broker: {@code {pid}-{random}}, holding the start time. */
  Path leases() {
    return dir.resolve("leases");
  }

  boolean formatted() {
    return Files.exists(logDir().resolve("meta.properties"));
  }

  /** The broker and controller ports: from the existing configuration, else newly chosen. */
  Ports ports(int requestedPort) throws IOException {
    if (Files.exists(serverProperties())) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(serverProperties(), StandardCharsets.UTF_8)) {
        props.load(in);
      }
      return new Ports(
          Integer.parseInt(props.getProperty("neuron.explainer.broker.port")),
          Integer.parseInt(props.getProperty("neuron.explainer.controller.port")));
    }
    return new Ports(requestedPort > 0 ? requestedPort : freePort(), freePort());
  }

  /** Writes the configuration (when absent) and the logging setup. */
  void write(Ports ports) throws IOException {
    Files.createDirectories(dir);
    if (!Files.exists(serverProperties())) {
      Files.writeString(serverProperties(), serverConfig(ports), StandardCharsets.UTF_8);
    }
    Files.writeString(log4jConfig(), LOG4J, StandardCharsets.UTF_8);
  }

  Optional<Long> pid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  void writePid(long pid) {
    try {
      Files.writeString(pidFile(), Long.toString(pid));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String serverConfig(Ports ports) {
    String broker = HOST + ":" + ports.broker();
    String controller = HOST + ":" + ports.controller();
    return String.join(
        "\n",
        "# Single-node KRaft broker of the one-machine stack; written once, ports kept.",
        "neuron.explainer.broker.port=" + ports.broker(),
        "neuron.explainer.controller.port=" + ports.controller(),
        "process.roles=broker,controller",
        "node.id=1",
        // bootstrap.servers, not voters: the --standalone format rejects a static voter set.
        "controller.quorum.bootstrap.servers=" + controller,
        "controller.listener.names=CONTROLLER",
        "listeners=PLAINTEXT://" + broker + ",CONTROLLER://" + controller,
        "advertised.listeners=PLAINTEXT://" + broker,
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + logDir().toAbsolutePath(),
        // One node: every internal topic has a single replica, or consumer groups never form.
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=5",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        // Topics come from TopicCreator only, so a misspelt name fails instead of appearing.
        "auto.create.topics.enable=false",
        "");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  record Ports(int broker, int controller) {}

  private static final String LOG4J =
      String.join(
          "\n",
          "appender.out.type = Console",
          "appender.out.name = out",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = info",
          "rootLogger.appenderRef.out.ref = out",
          "logger.state.name = state.change.logger",
          "logger.state.level = warn",
          "");
}
