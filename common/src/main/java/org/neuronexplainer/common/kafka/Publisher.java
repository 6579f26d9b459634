package org.neuronexplainer.common.kafka;

import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.neuronexplainer.common.messaging.DeadLetter;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topic;
import org.neuronexplainer.common.messaging.Topics;

/**
 * Writes messages to their topics with their keys. Thread-safe (the Kafka producer is); the caller
 * that needs durability waits on the returned futures or passes a callback.
 */
public final class Publisher implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final MessageCodec codec;

  public Publisher(Producer<String, byte[]> producer, Topics topics, MessageCodec codec) {
    this.producer = producer;
    this.topics = topics;
    this.codec = codec;
  }

  public Topics topics() {
    return topics;
  }

  /** Any message to its topic; the type parameter keeps payload and topic matched. */
  public <T> Future<RecordMetadata> send(Topic<T> topic, String key, T message) {
    return producer.send(new ProducerRecord<>(topic.name(), key, codec.encode(message)));
  }

  /**
   * Any message to its topic without waiting: {@code acked} is called on the producer's I/O thread
   * once the broker holds it (or the send failed). Lets a caller keep many sends in flight.
   */
  public <T> void send(Topic<T> topic, String key, T message, Callback acked) {
    producer.send(new ProducerRecord<>(topic.name(), key, codec.encode(message)), acked);
  }

  /** A job to its stage's topic, keyed by its unit so one neuron's work stays in one partition. */
  public <J extends Job> Future<RecordMetadata> job(J job) {
    return send(topics.topicOf(job), job.unit(), job);
  }

  /** An event, keyed by run, stage and unit for compaction. */
  public Future<RecordMetadata> event(StageEvent event) {
    return send(topics.events(), event.key(), event);
  }

  /** A dead letter, under the key of the message it holds. */
  public Future<RecordMetadata> deadLetter(DeadLetter letter) {
    return send(topics.deadLetter(), letter.key(), letter);
  }

  /** Sends what is buffered now. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
