package org.neuronexplainer.common.kafka.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.KafkaConfig;

/**
 * A real single-node KRaft broker in the test's JVM, started before a test class and stopped after
 * it:
 *
 * <pre>{@code
 * @RegisterExtension static final TestBroker BROKER = new TestBroker();
 * }</pre>
 *
 * It listens on a free port; {@link #bootstrapServers()} says where. Internal topics are set up for
 * one broker, without which consumer groups never form.
 */
public final class TestBroker implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, String> config = new LinkedHashMap<>();
  private KafkaClusterTestKit cluster;

  public TestBroker() {
    // One broker: internal topics must not ask for three replicas, or groups never form.
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
  }

  /** A broker setting on top of the defaults, e.g. a lower {@code group.min.session.timeout.ms}. */
  public TestBroker with(String key, String value) {
    config.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    KafkaClusterTestKit.Builder builder =
        new KafkaClusterTestKit.Builder(
            new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build());
    config.forEach(builder::setConfigProp);
    cluster = builder.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  public String bootstrapServers() {
    if (cluster == null) {
      throw new IllegalStateException("the broker runs only within the test class");
    }
    return cluster.bootstrapServers();
  }

  /** Clients with the project's settings against this broker. */
  public KafkaClients clients() {
    return new KafkaClients(
        KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers())));
  }
}
