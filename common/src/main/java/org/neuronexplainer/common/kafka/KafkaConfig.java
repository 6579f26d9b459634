package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.messaging.Topics;

/**
 * How a process reaches Kafka, read once from the environment.
 *
 * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}, required: host:port[,host:port...]
 * @param topicPrefix {@code KAFKA_TOPIC_PREFIX}, default {@value #DEFAULT_PREFIX}
 * @param partitions {@code KAFKA_PARTITIONS}, partitions of topics created at start, default 6
 * @param replicationFactor {@code KAFKA_REPLICATION_FACTOR}, of topics created at start, default 1
 *     (one broker); 3 on a real cluster, and never more than the cluster's brokers
 * @param minInsyncReplicas {@code KAFKA_MIN_INSYNC_REPLICAS}, the topics' {@code
 *     min.insync.replicas}: how many replicas must hold a record before an {@code acks=all} write
 *     counts. Default one less than the replication factor, at least 1 (1 for 1, 2 for 3), so that
 *     one broker may be lost without stopping writes; at most the replication factor
 * @param maxPollRecords {@code KAFKA_MAX_POLL_RECORDS}, default 10: small, since each job may be
 *     slow
 * @param clientProperties security settings passed to every client as Kafka properties, from {@code
 *     KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG},
 *     {@code KAFKA_SSL_*} (see {@link #PASS_THROUGH})
 * @param connectTimeout {@code KAFKA_CONNECT_TIMEOUT_SECONDS}, how long a process waits at start
 *     for the broker to answer before it gives up, default 60 s; zero (the value 0) waits forever
 */
public record KafkaConfig(
    String bootstrapServers,
    String topicPrefix,
    int partitions,
    short replicationFactor,
    short minInsyncReplicas,
    int maxPollRecords,
    Map<String, String> clientProperties,
    Duration connectTimeout) {

  public static final String DEFAULT_PREFIX = "neuron-explainer.";

  /** The client properties that may be set from the environment, each as KAFKA_ + upper snake. */
  public static final List<String> PASS_THROUGH =
      List.of(
          "security.protocol",
          "sasl.mechanism",
          "sasl.jaas.config",
          "sasl.login.callback.handler.class",
          "sasl.oauthbearer.token.endpoint.url",
          "ssl.truststore.type",
          "ssl.truststore.location",
          "ssl.truststore.password",
          "ssl.truststore.certificates",
          "ssl.keystore.type",
          "ssl.keystore.location",
          "ssl.keystore.password",
          "ssl.key.password",
          "ssl.endpoint.identification.algorithm",
          "client.dns.lookup");

  private static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  /** The default of {@code KAFKA_CONNECT_TIMEOUT_SECONDS}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

  public KafkaConfig {
    clientProperties = Map.copyOf(clientProperties);
    if (connectTimeout.isNegative()) {
      throw new IllegalArgumentException("connectTimeout must not be negative");
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException(
          "minInsyncReplicas must be between 1 and the replication factor ("
              + replicationFactor
              + "), not "
              + minInsyncReplicas);
    }
  }

  /**
   * Reads and checks the configuration.
   *
   * @throws IllegalArgumentException naming the variable, for a missing or bad value
   */
  public static KafkaConfig fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    String bootstrap = env.required("KAFKA_BOOTSTRAP_SERVERS", "host:port[,host:port...]");
    for (String server : bootstrap.split(",")) {
      if (!server.trim().matches("[^\\s:]+:\\d{1,5}")) {
        throw Env.invalid(
            "KAFKA_BOOTSTRAP_SERVERS",
            bootstrap,
            "host:port[,host:port...]; '" + server.trim() + "' is not host:port");
      }
    }
    // Set but empty means no prefix.
    String prefix = env.stringOrEmpty("KAFKA_TOPIC_PREFIX", DEFAULT_PREFIX);
    try {
      new Topics(prefix);
    } catch (IllegalArgumentException e) {
      throw Env.invalid(
          "KAFKA_TOPIC_PREFIX", prefix, "only letters, digits, '.', '_' and '-', or nothing");
    }
    int partitions = env.integer("KAFKA_PARTITIONS", 6, 1, 10_000);
    int replication = env.integer("KAFKA_REPLICATION_FACTOR", 1, 1, Short.MAX_VALUE);
    int minInsync =
        env.integer("KAFKA_MIN_INSYNC_REPLICAS", defaultMinInsync(replication), 1, replication);
    int maxPollRecords = env.integer("KAFKA_MAX_POLL_RECORDS", 10, 1, 10_000);
    long connectSeconds =
        env.whole("KAFKA_CONNECT_TIMEOUT_SECONDS", DEFAULT_CONNECT_TIMEOUT.toSeconds(), 0, 86_400);
    return new KafkaConfig(
        bootstrap,
        prefix,
        partitions,
        (short) replication,
        (short) minInsync,
        maxPollRecords,
        clientProperties(env),
        Duration.ofSeconds(connectSeconds));
  }

  /** One replica less than all, at least one: writes go on with one broker lost. */
  static int defaultMinInsync(int replicationFactor) {
    return Math.max(1, replicationFactor - 1);
  }

  /**
   * Reads the configuration with the given servers in place of {@code KAFKA_BOOTSTRAP_SERVERS}: the
   * one-machine run, whose broker is its own.
   */
  public static KafkaConfig fromEnv(Map<String, String> env, String bootstrapServers) {
    Map<String, String> withServers = new HashMap<>(env);
    withServers.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    return fromEnv(withServers);
  }

  private static Map<String, String> clientProperties(Env env) {
    Map<String, String> props = new TreeMap<>();
    for (String property : PASS_THROUGH) {
      env.find(envName(property)).ifPresent(value -> props.put(property, value));
    }
    String protocol = props.get("security.protocol");
    if (protocol != null) {
      protocol = protocol.toUpperCase(Locale.ROOT);
      if (!PROTOCOLS.contains(protocol)) {
        throw Env.invalid(
            "KAFKA_SECURITY_PROTOCOL", protocol, "one of " + String.join(", ", PROTOCOLS));
      }
      props.put("security.protocol", protocol);
    }
    if (props.containsKey("sasl.mechanism")
        && (protocol == null || !protocol.startsWith("SASL_"))) {
      throw new IllegalArgumentException(
          "KAFKA_SASL_MECHANISM is set, so KAFKA_SECURITY_PROTOCOL must be SASL_PLAINTEXT or"
              + " SASL_SSL");
    }
    return props;
  }

  /**
   * The environment variable of a pass-through property: sasl.jaas.config ->
   * KAFKA_SASL_JAAS_CONFIG.
   */
  public static String envName(String property) {
    return "KAFKA_" + property.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** The topics under this configuration's prefix. */
  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** The same configuration against other servers: how the one-machine run points at its broker. */
  public KafkaConfig withBootstrapServers(String servers) {
    return new KafkaConfig(
        servers,
        topicPrefix,
        partitions,
        replicationFactor,
        minInsyncReplicas,
        maxPollRecords,
        clientProperties,
        connectTimeout);
  }

  /** Secrets (passwords, JAAS configuration) are shown as {@code ***}. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, secret(k) ? "***" : v));
    return "KafkaConfig[bootstrapServers="
        + bootstrapServers
        + ", topicPrefix="
        + topicPrefix
        + ", partitions="
        + partitions
        + ", replicationFactor="
        + replicationFactor
        + ", minInsyncReplicas="
        + minInsyncReplicas
        + ", maxPollRecords="
        + maxPollRecords
        + ", clientProperties="
        + new TreeMap<>(shown)
        + ", connectTimeout="
        + (connectTimeout.isZero() ? "none" : connectTimeout.toSeconds() + " s")
        + "]";
  }

  static boolean secret(String property) {
    return property.contains("password") || property.contains("jaas");
  }
}
