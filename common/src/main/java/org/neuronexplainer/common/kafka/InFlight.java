package org.neuronexplainer.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.JobMetrics;

/** The one record a runner is busy with: held until due, or running on the worker thread. */
final class InFlight<J extends Job> {

  /** What the worker thread hands back: the job's figures, or why it failed. */
  record Outcome(JobMetrics metrics, boolean skipped, Exception error) {}

  final ConsumerRecord<String, byte[]> record;
  final TopicPartition partition;
  final J job;
  final List<Future<RecordMetadata>> sends = new ArrayList<>();

  /** Epoch millis until which a not-yet-due job is held; unused once it runs. */
  long holdUntil;

  /** Null while held. */
  Future<Outcome> running;

  /** Set when its partition was revoked: the new owner redoes it, so this one must not commit. */
  boolean revoked;

  InFlight(ConsumerRecord<String, byte[]> record, J job) {
    this.record = record;
    this.partition = new TopicPartition(record.topic(), record.partition());
    this.job = job;
  }

  boolean held() {
    return running == null;
  }

  /** True when there is something to decide: the hold ended or the job finished. */
  boolean ready(long now) {
    return held() ? now >= holdUntil || now >= job.header().notBeforeMillis() : running.isDone();
  }
}
