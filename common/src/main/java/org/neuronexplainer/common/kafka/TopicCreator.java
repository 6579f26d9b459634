package org.neuronexplainer.common.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.neuronexplainer.common.messaging.Topic;
import org.neuronexplainer.common.messaging.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics that are missing, at process start. Existing topics are left as they are. */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);
  private static final long TIMEOUT_SECONDS = 30;

  private TopicCreator() {}

  /**
   * Creates every topic of {@code topics} that does not exist, with the given partitions and
   * replication; the events topic compacted. Safe to run from several processes at once.
   *
   * @return the names it created
   */
  public static List<String> createMissing(
      Admin admin, Topics topics, int partitions, short replicationFactor)
      throws InterruptedException {
    return createMissing(admin, topics, partitions, replicationFactor, (short) 1);
  }

  /**
   * As {@link #createMissing(Admin, Topics, int, short)}, the topics made with {@code
   * min.insync.replicas}.
   *
   * @throws IllegalStateException when the replication factor is larger than the cluster's brokers
   *     (Kafka would refuse every topic), or a topic could not be made
   */
  public static List<String> createMissing(
      Admin admin, Topics topics, int partitions, short replicationFactor, short minInsyncReplicas)
      throws InterruptedException {
    try {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?> topic : topics.all()) {
        if (!existing.contains(topic.name())) {
          missing.add(newTopic(topic, partitions, replicationFactor, minInsyncReplicas));
        }
      }
      if (!missing.isEmpty()) {
        int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
        checkReplication(replicationFactor, brokers);
      }
      List<String> created = new ArrayList<>();
      var result = admin.createTopics(missing);
      for (var entry : result.values().entrySet()) {
        try {
          entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          // Another process created it between our list and our create: that is the goal anyway.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      // A topic just made (here or by another process) may not be in the broker's metadata yet,
      // and a consumer that asks for its partitions then finds none: wait until it is.
      awaitVisible(admin, missing.stream().map(NewTopic::name).toList());
      if (!created.isEmpty()) {
        LOG.info(
            "created topics {} ({} partitions, replication {}, min.insync.replicas {})",
            created,
            partitions,
            replicationFactor,
            minInsyncReplicas);
      }
      return created;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("could not create the Kafka topics: " + cause, cause);
    }
  }

  private static void awaitVisible(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (names.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      try {
        admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(50);
    }
  }

  /** Creates the missing topics of a configuration. */
  public static List<String> createMissing(Admin admin, KafkaConfig config)
      throws InterruptedException {
    return createMissing(
        admin,
        config.topics(),
        config.partitions(),
        config.replicationFactor(),
        config.minInsyncReplicas());
  }

  /**
   * Refuses a replication factor the cluster cannot hold, in words rather than as Kafka's
   * InvalidReplicationFactorException on every topic.
   */
  static void checkReplication(short replicationFactor, int brokers) {
    if (replicationFactor > brokers) {
      throw new IllegalStateException(
          "KAFKA_REPLICATION_FACTOR is "
              + replicationFactor
              + " but the Kafka cluster has "
              + brokers
              + (brokers == 1 ? " broker" : " brokers")
              + "; set KAFKA_REPLICATION_FACTOR to at most "
              + brokers
              + " (and KAFKA_MIN_INSYNC_REPLICAS no higher), or add brokers");
    }
  }

  static NewTopic newTopic(
      Topic<?> topic, int partitions, short replicationFactor, short minInsyncReplicas) {
    NewTopic t = new NewTopic(topic.name(), partitions, replicationFactor);
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Short.toString(minInsyncReplicas));
    if (topic.compacted()) {
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    return t.configs(configs);
  }
}
