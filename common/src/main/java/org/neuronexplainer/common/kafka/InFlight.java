package org.neuronexplainer.common.kafka;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.TopicPartition;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.JobMetrics;

/**
 * One record a runner took from a poll, from then until its offset may be committed: waiting for
 * its key, held until due, running on a worker thread, then publishing what happened. Fields other
 * than the send count, the send error and the outcome belong to the consumer thread.
 */
final class InFlight<J extends Job> {

  /** What the worker thread hands back: the job's figures, or why it failed. */
  record Outcome(JobMetrics metrics, boolean skipped, Throwable error) {}

  /** Told (on any thread) when everything published for a sealed record is acknowledged. */
  interface AckListener {
    void acked(InFlight<?> f);
  }

  final ConsumerRecord<String, byte[]> record;
  final TopicPartition partition;
  final J job;

  /** Epoch millis until which a not-yet-due job is held; 0 when it is not held. */
  long holdUntil;

  /** Set while the job runs or after it ran; null before. */
  Future<?> running;

  /** Set by the worker thread when the job ends. */
  volatile Outcome outcome;

  /**
   * Its partition was revoked, or rewound after a failed publish: someone reads it again, so this
   * copy is neither reported nor committed.
   */
  boolean abandoned;

  /** Everything published for it is acknowledged: its offset may be committed. */
  boolean done;

  private final AckListener listener;
  // One for the seal plus one per unacknowledged send, so the count reaches zero only once.
  private final AtomicInteger unacked = new AtomicInteger(1);
  private volatile Exception sendError;

  InFlight(ConsumerRecord<String, byte[]> record, J job, AckListener listener) {
    this.record = record;
    this.partition = new TopicPartition(record.topic(), record.partition());
    this.job = job;
    this.listener = listener;
  }

  long offset() {
    return record.offset();
  }

  /** The callback of one more send for this record. */
  Callback track() {
    unacked.incrementAndGet();
    return (metadata, error) -> {
      if (error != null) {
        sendError = error;
      }
      release();
    };
  }

  /** No more sends for this record: the listener is told once all of them are acknowledged. */
  void seal() {
    release();
  }

  /** The first failed send, or null. Read after the listener was told. */
  Exception sendError() {
    return sendError;
  }

  private void release() {
    if (unacked.decrementAndGet() == 0) {
      listener.acked(this);
    }
  }
}
