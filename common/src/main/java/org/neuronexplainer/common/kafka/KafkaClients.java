package org.neuronexplainer.common.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes the Kafka clients of a process from its {@link KafkaConfig}, with the settings delivery
 * depends on. Values travel as bytes: {@link org.neuronexplainer.common.messaging.MessageCodec}
 * decodes them in the runner, where a bad one can be dead-lettered instead of failing the poll.
 */
public final class KafkaClients {

  private final KafkaConfig config;

  public KafkaClients(KafkaConfig config) {
    this.config = config;
  }

  public KafkaConfig config() {
    return config;
  }

  /** Properties every client shares: servers and the security pass-through. */
  public Map<String, Object> common() {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return props;
  }

  public Admin admin() {
    return Admin.create(common());
  }

  /**
   * A producer that writes durably (all in-sync replicas) and without duplicates on retry. Callers
   * keep many sends in flight, so a short linger lets one request carry the events of many jobs.
   */
  public Producer<String, byte[]> producer(String clientId) {
    return new KafkaProducer<>(
        producerProperties(clientId), new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * The properties of {@link #producer}: {@code acks=all} waits for the topic's {@code
   * min.insync.replicas}, so a write acknowledged survives the loss of the leader's broker.
   */
  Map<String, Object> producerProperties(String clientId) {
    Map<String, Object> props = common();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    return props;
  }

  /**
   * A consumer for a stage runner: offsets are committed by hand after the output is written, so
   * auto-commit is off; few records per poll because each may be slow.
   *
   * @param overrides extra consumer properties (tests shorten {@code max.poll.interval.ms})
   */
  public Consumer<String, byte[]> consumer(String groupId, Map<String, Object> overrides) {
    Map<String, Object> props = common();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    // Only the partitions that move are revoked on a rebalance, so the others keep their jobs
    // running while a worker joins or leaves. Range stays second so that workers of an older
    // build (range only) and this one can share a group during a rolling update.
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        List.of(CooperativeStickyAssignor.class.getName(), RangeAssignor.class.getName()));
    props.putAll(overrides);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  public Consumer<String, byte[]> consumer(String groupId) {
    return consumer(groupId, Map.of());
  }

  /**
   * A consumer outside any group, for reading a topic from its beginning (the coordinator's events
   * replay): partitions are assigned by hand and nothing is committed.
   */
  public Consumer<String, byte[]> reader(String clientId) {
    Map<String, Object> props = common();
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    // A follower gets events in batches of many jobs rather than one fetch per produce request;
    // its view lags by at most the wait.
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
