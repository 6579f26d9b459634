package org.neuronexplainer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.Topics;

class TopicCreatorTest {

  private final Topics topics = new Topics("t.");

  @Test
  void topicsCarryTheirReplicationAndMinInsyncReplicas() {
    NewTopic jobs = TopicCreator.newTopic(topics.all().get(0), 12, (short) 3, (short) 2);
    assertThat(jobs.numPartitions()).isEqualTo(12);
    assertThat(jobs.replicationFactor()).isEqualTo((short) 3);
    assertThat(jobs.configs()).containsEntry("min.insync.replicas", "2");
  }

  @Test
  void theEventsTopicIsCompactedAsWell() {
    NewTopic events = TopicCreator.newTopic(topics.events(), 6, (short) 3, (short) 2);
    assertThat(events.configs())
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("min.insync.replicas", "2");
  }

  @Test
  void refusesMoreReplicasThanBrokersInWords() {
    assertThatThrownBy(() -> TopicCreator.checkReplication((short) 3, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("KAFKA_REPLICATION_FACTOR is 3 but the Kafka cluster has 1 broker;");
    assertThatCode(() -> TopicCreator.checkReplication((short) 3, 3)).doesNotThrowAnyException();
    assertThatCode(() -> TopicCreator.checkReplication((short) 1, 1)).doesNotThrowAnyException();
  }
}
