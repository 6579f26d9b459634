package org.neuronexplainer.coordinator.progress;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.neuronexplainer.common.messaging.MalformedMessageException;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the events topic from its beginning into a {@link ProgressBoard}, then follows it. No
 * consumer group and no commits: every start replays the compacted topic, which is how a restarted
 * coordinator gets its state back. Owns its consumer and its thread.
 */
public final class EventFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);

  private final Consumer<String, byte[]> consumer;
  private final Topic<StageEvent> topic;
  private final ProgressBoard board;
  private final MessageCodec codec = new MessageCodec();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile boolean caughtUp;
  private volatile RuntimeException failure;

  public EventFollower(
      Consumer<String, byte[]> consumer, Topic<StageEvent> topic, ProgressBoard board) {
    this.consumer = consumer;
    this.topic = topic;
    this.board = board;
    this.thread = new Thread(this::loop, "events-follower");
  }

  public EventFollower start() {
    thread.start();
    return this;
  }

  /** True once everything on the topic at start has been folded. */
  public boolean caughtUp() {
    return caughtUp;
  }

  public RuntimeException failure() {
    return failure;
  }

  public boolean running() {
    return thread.isAlive();
  }

  private void loop() {
    try {
      List<TopicPartition> partitions = partitions();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
      while (!stopping) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          fold(r);
        }
        if (!caughtUp) {
          ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
          caughtUp = ends.isEmpty();
        }
      }
    } catch (WakeupException e) {
      // stop requested
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("events follower stopped", e);
    } finally {
      consumer.close();
    }
  }

  private List<TopicPartition> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
  }

  private void fold(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return; // a tombstone: nothing to fold
    }
    try {
      board.apply(codec.decode(r.value(), StageEvent.class));
    } catch (MalformedMessageException e) {
      LOG.warn(
          "skipping unreadable event at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
