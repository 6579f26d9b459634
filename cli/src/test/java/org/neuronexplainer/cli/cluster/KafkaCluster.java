package org.neuronexplainer.cli.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.neuronexplainer.common.testing.Await;

/**
 * Three (or more) KRaft Kafka nodes, each a broker and a controller in one process, each on its own
 * network host: node {@code i} is host {@code kafka-i}, listening on its address at {@value #PORT}
 * (clients) and {@value #CONTROLLER_PORT} (the controller quorum). The processes run from the jars
 * deploy/kafka's build copies; a node killed or stopped starts again on its data.
 *
 * <p>Internal topics are replicated three ways with two in sync, as on a production cluster; the
 * session and replica-lag timeouts are short so that a lost broker is noticed in seconds.
 */
public final class KafkaCluster implements AutoCloseable {

  public static final int PORT = 9092;
  public static final int CONTROLLER_PORT = 9093;
  private static final Duration READY = Duration.ofSeconds(120);

  private final NetworkHosts network;
  private final Path dir;
  private final Path libs;
  private final int size;
  private final Process[] processes;
  private final Admin admin;

  private KafkaCluster(NetworkHosts network, Path dir, Path libs, int size) {
    this.network = network;
    this.dir = dir;
    this.libs = libs;
    this.size = size;
    this.processes = new Process[size + 1];
    this.admin =
        Admin.create(
            Map.<String, Object>of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(size),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
  }

  /** The hosts' names for a cluster of {@code size}: kafka-1 ... */
  public static List<String> hostNames(int size) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      names.add(hostName(i));
    }
    return names;
  }

  static String hostName(int node) {
    return "kafka-" + node;
  }

  /** Formats and starts every node; returns once all serve and the cluster counts them all. */
  public static KafkaCluster start(NetworkHosts network, Path dir, Path libs, int size)
      throws IOException, InterruptedException {
    KafkaCluster cluster = new KafkaCluster(network, dir, libs, size);
    try {
      String clusterId = Uuid.randomUuid().toString();
      for (int node = 1; node <= size; node++) {
        cluster.format(node, clusterId);
      }
      for (int node = 1; node <= size; node++) {
        cluster.launch(node);
      }
      cluster.awaitBrokers(size);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return bootstrap(size);
  }

  private String bootstrap(int nodes) {
    List<String> servers = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      servers.add(address(i) + ":" + PORT);
    }
    return String.join(",", servers);
  }

  private String address(int node) {
    return network.host(hostName(node)).address();
  }

  public int size() {
    return size;
  }

  /** The test's admin client (from the machine's own namespace, over the bridge). */
  public Admin admin() {
    return admin;
  }

  /** Kills node {@code node}'s process with SIGKILL and waits for it to end. */
  public void kill(int node) throws InterruptedException {
    Process p = processes[node];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      processes[node] = null;
    }
  }

  /** Stops node {@code node} as an operator would (SIGTERM: a controlled shutdown). */
  public void stop(int node) throws InterruptedException {
    Process p = processes[node];
    if (p != null) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      processes[node] = null;
    }
  }

  /** Starts a stopped or killed node again on its data and waits until the cluster counts it. */
  public void restart(int node) throws IOException {
    launch(node);
    Await.until(READY, hostName(node) + " back in the cluster", () -> brokers().contains(node));
  }

  /** Whether node {@code node}'s process runs. */
  public boolean running(int node) {
    return processes[node] != null && processes[node].isAlive();
  }

  /** The node ids the cluster now counts as live brokers. */
  public Set<Integer> brokers() {
    try {
      return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
          .map(Node::id)
          .collect(Collectors.toSet());
    } catch (ExecutionException | TimeoutException e) {
      return Set.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Set.of();
    }
  }

  /** The node leading partition {@code partition} of {@code topic}, or -1 when none does. */
  public int leaderOf(String topic, int partition) throws Exception {
    TopicPartitionInfo info = describe(topic).partitions().get(partition);
    return info.leader() == null ? -1 : info.leader().id();
  }

  /** Partitions of {@code topic} by their leader's node id. */
  public Map<Integer, Integer> leadersOf(String topic) throws Exception {
    Map<Integer, Integer> leaders = new TreeMap<>();
    for (TopicPartitionInfo p : describe(topic).partitions()) {
      leaders.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
    }
    return leaders;
  }

  /** The topic's description: replicas, in-sync replicas and leader of each partition. */
  public TopicDescription describe(String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .get(topic);
  }

  /** Waits until every partition of the topics has all its replicas in sync again. */
  public void awaitFullyInSync(List<String> topics, Duration limit) {
    Await.until(
        limit,
        "every replica of " + topics + " in sync",
        () -> {
          try {
            for (TopicDescription d :
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
              for (TopicPartitionInfo p : d.partitions()) {
                if (p.isr().size() < p.replicas().size()) {
                  return false;
                }
              }
            }
            return true;
          } catch (ExecutionException | TimeoutException e) {
            return false;
          }
        },
        inSync -> inSync);
  }

  /** The last lines of node {@code node}'s log, for a failure message. */
  public String logTail(int node) {
    try {
      List<String> lines = Files.readAllLines(log(node), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
    for (int node = 1; node <= size; node++) {
      try {
        kill(node);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitBrokers(int count) {
    try {
      Await.until(READY, count + " brokers serving", () -> brokers().size() == count);
    } catch (AssertionError e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      for (int node = 1; node <= size; node++) {
        logs.append("\n--- ").append(hostName(node)).append(":\n").append(logTail(node));
      }
      throw new AssertionError(logs.toString(), e);
    }
  }

  private Path nodeDir(int node) {
    return dir.resolve(hostName(node));
  }

  private Path log(int node) {
    return nodeDir(node).resolve("broker.log");
  }

  private void format(int node, String clusterId) throws IOException, InterruptedException {
    Files.createDirectories(nodeDir(node));
    Files.writeString(nodeDir(node).resolve("server.properties"), serverConfig(node));
    Files.writeString(nodeDir(node).resolve("log4j2.properties"), LOG4J);
    Process format =
        new ProcessBuilder(
                java(
                    node,
                    List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        clusterId,
                        "-c",
                        nodeDir(node).resolve("server.properties").toString())))
            .redirectErrorStream(true)
            .start();
    String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (format.waitFor() != 0) {
      throw new IOException("formatting " + hostName(node) + " failed:\n" + output);
    }
  }

  private void launch(int node) throws IOException {
    if (processes[node] != null && processes[node].isAlive()) {
      throw new IllegalStateException(hostName(node) + " is running");
    }
    List<String> command =
        network.inside(
            hostName(node),
            java(
                node,
                List.of("kafka.Kafka", nodeDir(node).resolve("server.properties").toString())));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()))
            .start();
    p.getOutputStream().close();
    processes[node] = p;
  }

  private List<String> java(int node, List<String> main) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xms96m",
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dlog4j2.configurationFile=" + nodeDir(node).resolve("log4j2.properties"),
            "-cp",
            libs.toAbsolutePath() + "/*"));
    command.addAll(main);
    return command;
  }

  private String serverConfig(int node) {
    List<String> voters = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      voters.add(i + "@" + address(i) + ":" + CONTROLLER_PORT);
    }
    String me = address(node);
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=" + node,
        "controller.quorum.voters=" + String.join(",", voters),
        "controller.listener.names=CONTROLLER",
        "listeners=PLAINTEXT://" + me + ":" + PORT + ",CONTROLLER://" + me + ":" + CONTROLLER_PORT,
        "advertised.listeners=PLAINTEXT://" + me + ":" + PORT,
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + nodeDir(node).resolve("data").toAbsolutePath(),
        "offsets.topic.replication.factor=3",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "share.coordinator.state.topic.replication.factor=3",
        "share.coordinator.state.topic.min.isr=2",
        "min.insync.replicas=2",
        "unclean.leader.election.enable=false",
        "auto.create.topics.enable=false",
        "group.initial.rebalance.delay.ms=0",
        // The workers' short session timeouts (seconds, not Kafka's 45) need a lower floor.
        "group.min.session.timeout.ms=1000",
        // A lost broker is fenced, and its replicas leave the ISR, in seconds rather than 30.
        "broker.session.timeout.ms=4000",
        "broker.heartbeat.interval.ms=500",
        "replica.lag.time.max.ms=5000",
        "controlled.shutdown.enable=true",
        "num.network.threads=2",
        "num.io.threads=2",
        "background.threads=2",
        "num.replica.fetchers=1",
        "log.segment.bytes=8388608",
        "");
  }

  private static final String LOG4J =
      String.join(
          "\n",
          "appender.out.type = Console",
          "appender.out.name = out",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = warn",
          "rootLogger.appenderRef.out.ref = out",
          "logger.kafka.name = kafka.server.KafkaRaftServer",
          "logger.kafka.level = info",
          "");
}
