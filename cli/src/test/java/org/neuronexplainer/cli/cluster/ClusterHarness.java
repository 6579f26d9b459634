package org.neuronexplainer.cli.cluster;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole test cluster: network hosts for three Kafka nodes, the coordinator and up to {@code
 * workers} workers; the Kafka cluster running on its hosts. {@link #close()} ends every process,
 * then removes the hosts; a shutdown hook does the same when the JVM ends first (Ctrl-C, a failing
 * run's timeout), and the next harness removes what a killed JVM left.
 */
public final class ClusterHarness implements AutoCloseable {

  public static final int BROKERS = 3;

  private final NetworkHosts network;
  private final KafkaCluster kafka;
  private final List<PipelineHosts> pipelines = new ArrayList<>();
  private final Thread hook = new Thread(this::teardown, "cluster-harness-cleanup");

  private ClusterHarness(NetworkHosts network, KafkaCluster kafka) {
    this.network = network;
    this.kafka = kafka;
  }

  /**
   * Skips the calling test, with the reason, where network namespaces cannot be made (not root, no
   * iproute2); under {@code CI=true} fails it instead, since CI runs as root and must run these.
   */
  public static void requireNamespaces() {
    Optional<String> why = NetworkHosts.unavailable();
    if (why.isPresent() && "true".equals(System.getenv("CI"))) {
      fail("the multi-host cluster tests need network namespaces under CI: " + why.get());
    }
    assumeTrue(why.isEmpty(), () -> "no network namespaces here: " + why.orElse(""));
  }

  /** Worker host names: worker-1 ... */
  public static String worker(int i) {
    return "worker-" + i;
  }

  /** Makes the hosts and starts the Kafka cluster on them, its data under {@code dir}. */
  public static ClusterHarness start(Path dir, Path kafkaLibs, int workers)
      throws IOException, InterruptedException {
    List<String> names = new ArrayList<>(KafkaCluster.hostNames(BROKERS));
    names.add(PipelineHosts.COORDINATOR);
    for (int i = 1; i <= workers; i++) {
      names.add(worker(i));
    }
    NetworkHosts network = NetworkHosts.create(names);
    try {
      KafkaCluster kafka = KafkaCluster.start(network, dir.resolve("kafka"), kafkaLibs, BROKERS);
      ClusterHarness harness = new ClusterHarness(network, kafka);
      Runtime.getRuntime().addShutdownHook(harness.hook);
      return harness;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      network.close();
      throw e;
    }
  }

  public NetworkHosts network() {
    return network;
  }

  public KafkaCluster kafka() {
    return kafka;
  }

  /** A coordinator and workers over {@code dir}'s store, closed with the harness at the latest. */
  public PipelineHosts pipeline(Path dir, Map<String, String> env) {
    PipelineHosts pipeline = new PipelineHosts(network, dir, env);
    synchronized (pipelines) {
      pipelines.add(pipeline);
    }
    return pipeline;
  }

  @Override
  public void close() {
    teardown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and the hook runs this
    }
  }

  // Processes first, since a namespace with a process in it outlives its removal.
  private void teardown() {
    synchronized (pipelines) {
      pipelines.forEach(PipelineHosts::close);
      pipelines.clear();
    }
    kafka.close();
    network.close();
  }
}
