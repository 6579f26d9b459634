package org.neuronexplainer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {

  @Test
  void defaultsNeedOnlyTheServers() {
    KafkaConfig config = KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
    assertThat(config.topicPrefix()).isEqualTo("neuron-explainer.");
    assertThat(config.partitions()).isEqualTo(6);
    assertThat(config.replicationFactor()).isEqualTo((short) 1);
    assertThat(config.minInsyncReplicas()).isEqualTo((short) 1);
    assertThat(config.maxPollRecords()).isEqualTo(10);
    assertThat(config.clientProperties()).isEmpty();
    assertThat(config.topics().events().name()).isEqualTo("neuron-explainer.events");
  }

  @Test
  void readsEverySetting() {
    KafkaConfig config =
        KafkaConfig.fromEnv(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "a:9093,b:9093",
                "KAFKA_TOPIC_PREFIX", "prod-",
                "KAFKA_PARTITIONS", "48",
                "KAFKA_REPLICATION_FACTOR", "3",
                "KAFKA_MAX_POLL_RECORDS", "2",
                "KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", "org...PlainLoginModule required password=\"s3cret\";",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "hunter2"));
    assertThat(config.partitions()).isEqualTo(48);
    assertThat(config.replicationFactor()).isEqualTo((short) 3);
    assertThat(config.minInsyncReplicas()).isEqualTo((short) 2);
    assertThat(config.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsKey("sasl.jaas.config")
        .containsEntry("ssl.truststore.password", "hunter2");
    assertThat(new KafkaClients(config).common())
        .containsEntry("bootstrap.servers", "a:9093,b:9093")
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void minInsyncReplicasDefaultsToOneLessThanTheReplicationFactor() {
    assertThat(minInsync(Map.of("KAFKA_REPLICATION_FACTOR", "1"))).isEqualTo(1);
    assertThat(minInsync(Map.of("KAFKA_REPLICATION_FACTOR", "2"))).isEqualTo(1);
    assertThat(minInsync(Map.of("KAFKA_REPLICATION_FACTOR", "3"))).isEqualTo(2);
    assertThat(minInsync(Map.of("KAFKA_REPLICATION_FACTOR", "5"))).isEqualTo(4);
    assertThat(minInsync(Map.of("KAFKA_REPLICATION_FACTOR", "3", "KAFKA_MIN_INSYNC_REPLICAS", "3")))
        .isEqualTo(3);
    assertThat(minInsync(Map.of("KAFKA_REPLICATION_FACTOR", "3", "KAFKA_MIN_INSYNC_REPLICAS", "1")))
        .isEqualTo(1);
  }

  @Test
  void refusesMinInsyncReplicasAboveTheReplicationFactorOrBelowOne() {
    assertThatThrownBy(
            () ->
                minInsync(
                    Map.of("KAFKA_REPLICATION_FACTOR", "2", "KAFKA_MIN_INSYNC_REPLICAS", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_MIN_INSYNC_REPLICAS");
    assertThatThrownBy(() -> minInsync(Map.of("KAFKA_MIN_INSYNC_REPLICAS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_MIN_INSYNC_REPLICAS");
  }

  @Test
  void keepsMinInsyncReplicasWithOtherServersAndShowsIt() {
    KafkaConfig config =
        KafkaConfig.fromEnv(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", "a:1",
                    "KAFKA_REPLICATION_FACTOR", "3"))
            .withBootstrapServers("b:2");
    assertThat(config.minInsyncReplicas()).isEqualTo((short) 2);
    assertThat(config.toString()).contains("replicationFactor=3, minInsyncReplicas=2");
  }

  @Test
  void producersWaitForEveryInSyncReplicaAndAreIdempotent() {
    KafkaConfig config = KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "a:1"));
    assertThat(new KafkaClients(config).producerProperties("p"))
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
  }

  private static int minInsync(Map<String, String> vars) {
    Map<String, String> env = new java.util.HashMap<>(vars);
    env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    return KafkaConfig.fromEnv(env).minInsyncReplicas();
  }

  @Test
  void toStringRedactsSecrets() {
    KafkaConfig config =
        KafkaConfig.fromEnv(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "a:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", "password=\"s3cret\";",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "hunter2"));
    assertThat(config.toString())
        .doesNotContain("s3cret")
        .doesNotContain("hunter2")
        .contains("sasl.jaas.config=***")
        .contains("sasl.mechanism=PLAIN");
  }

  @Test
  void errorsNameTheVariable() {
    assertThatThrownBy(() -> KafkaConfig.fromEnv(Map.of()))
        .hasMessage("KAFKA_BOOTSTRAP_SERVERS is not set: expected host:port[,host:port...]");
    assertThatThrownBy(() -> KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "nohost")))
        .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS is 'nohost': expected host:port");
    assertThatThrownBy(() -> env("KAFKA_PARTITIONS", "0"))
        .hasMessage("KAFKA_PARTITIONS is '0': expected a whole number from 1 to 10000");
    assertThatThrownBy(() -> env("KAFKA_REPLICATION_FACTOR", "three"))
        .hasMessage("KAFKA_REPLICATION_FACTOR is 'three': expected a whole number from 1 to 32767");
    assertThatThrownBy(() -> env("KAFKA_TOPIC_PREFIX", "a b"))
        .hasMessageStartingWith("KAFKA_TOPIC_PREFIX is 'a b': expected only letters, digits");
    assertThatThrownBy(() -> env("KAFKA_SECURITY_PROTOCOL", "TLS"))
        .hasMessage(
            "KAFKA_SECURITY_PROTOCOL is 'TLS': expected one of PLAINTEXT, SSL, SASL_PLAINTEXT,"
                + " SASL_SSL");
    assertThatThrownBy(() -> env("KAFKA_SASL_MECHANISM", "PLAIN"))
        .hasMessageStartingWith("KAFKA_SASL_MECHANISM is set, so KAFKA_SECURITY_PROTOCOL");
  }

  @Test
  void theLocalBrokerReplacesTheConfiguredServers() {
    KafkaConfig config =
        KafkaConfig.fromEnv(
            Map.of("KAFKA_BOOTSTRAP_SERVERS", "remote:9092", "KAFKA_PARTITIONS", "2"),
            "127.0.0.1:40001");
    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:40001");
    assertThat(config.partitions()).isEqualTo(2);
  }

  @Test
  void anEmptyTopicPrefixMeansNoPrefix() {
    assertThat(env("KAFKA_TOPIC_PREFIX", "").topicPrefix()).isEmpty();
    assertThat(KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "h:1")).topicPrefix())
        .isEqualTo(KafkaConfig.DEFAULT_PREFIX);
  }

  @Test
  void envNamesFollowTheProperty() {
    assertThat(KafkaConfig.envName("ssl.truststore.location"))
        .isEqualTo("KAFKA_SSL_TRUSTSTORE_LOCATION");
  }

  @Test
  void retryDelaysDoubleUpToTheCap() {
    RunnerSettings s =
        RunnerSettings.DEFAULTS.withRetryDelays(Duration.ofSeconds(2), Duration.ofSeconds(10));
    assertThat(s.retryDelay(2)).hasSeconds(2);
    assertThat(s.retryDelay(3)).hasSeconds(4);
    assertThat(s.retryDelay(4)).hasSeconds(8);
    assertThat(s.retryDelay(5)).hasSeconds(10);
    assertThat(s.retryDelay(500)).hasSeconds(10);
  }

  private static KafkaConfig env(String name, String value) {
    return KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", name, value));
  }
}
