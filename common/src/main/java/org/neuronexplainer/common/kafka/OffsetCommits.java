package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runner's commits: per partition the records it took ({@link PartitionProgress}), committed in
 * batches up to the first one not done. Consumer thread only.
 */
final class OffsetCommits {

  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommits.class);

  private final Consumer<String, byte[]> consumer;
  private final Duration interval;
  private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
  private long lastCommitNanos;
  private boolean uncommitted;

  OffsetCommits(Consumer<String, byte[]> consumer, Duration interval) {
    this.consumer = consumer;
    this.interval = interval;
  }

  /** The records taken from {@code tp}, a fresh account for a partition not seen yet. */
  PartitionProgress progress(TopicPartition tp) {
    return partitions.computeIfAbsent(tp, p -> new PartitionProgress());
  }

  /** Forgets a partition (revoked, or read again): its account, or null. */
  PartitionProgress remove(TopicPartition tp) {
    return partitions.remove(tp);
  }

  /** True when the last {@link #commitIfDue()} left something committable for later. */
  boolean uncommitted() {
    return uncommitted;
  }

  /** How long until the next commit is due. */
  long millisUntilDue() {
    long since = (System.nanoTime() - lastCommitNanos) / 1_000_000;
    return Math.max(0, interval.toMillis() - since);
  }

  /** Commits what finished, at most once per interval, without waiting for the broker. */
  void commitIfDue() {
    long now = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = committable();
    uncommitted = !offsets.isEmpty();
    if (!uncommitted || now - lastCommitNanos < interval.toNanos()) {
      return;
    }
    offsets.forEach((tp, o) -> partitions.get(tp).committed(o.offset()));
    lastCommitNanos = now;
    uncommitted = false;
    // The outputs and everything published for these records are durable, so a lost commit only
    // means a redelivery, which the output check turns into a skip.
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          if (error != null) {
            LOG.warn("commit of {} failed, the records will be redelivered: {}", done, error);
          }
        });
  }

  /** Commits what finished and waits for every commit: before partitions move away, and at stop. */
  void commitNow() {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable();
    for (int tries = 0; ; tries++) {
      try {
        consumer.commitSync(offsets);
        offsets.forEach((tp, o) -> partitions.get(tp).committed(o.offset()));
        return;
      } catch (WakeupException e) {
        // A hand-off's wake-up landed here instead of in poll; the runner reads its queues later
        // anyway, and its signal stays set, so no other wake-up comes before it does.
        if (tries >= 3) {
          throw e;
        }
      } catch (KafkaException e) {
        LOG.warn("commit failed, the records will be redelivered: {}", e.toString());
        return;
      }
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    partitions.forEach(
        (tp, p) -> {
          p.advance();
          long offset = p.toCommit();
          if (offset >= 0) {
            offsets.put(tp, new OffsetAndMetadata(offset));
          }
        });
    return offsets;
  }
}
