package org.neuronexplainer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.CollateJob;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.NeuronBlock;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.messaging.WeightsJob;
import org.neuronexplainer.common.run.RunSpec;

class JobPublisherTest {

  private final Topics topics = new Topics("t.");
  private final MessageCodec codec = new MessageCodec();

  /** A producer whose flush leaves its sends to {@code onFlush}, unlike MockProducer's own. */
  private static final class HeldProducer extends MockProducer<String, byte[]> {
    Runnable onFlush = () -> {};

    HeldProducer() {
      super(false, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized void flush() {
      onFlush.run();
    }
  }

  private static MockProducer<String, byte[]> acking() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  @Test
  void sendsEachJobToItsStagesTopicUnderItsUnit() {
    MockProducer<String, byte[]> producer = acking();
    JobHeader header = JobHeader.first("run-1", 3);
    CollateJob collate = new CollateJob(header, new NeuronBlock(2, 0, 64), "runs/run-1/partials");
    WeightsJob weights = new WeightsJob(header, new NeuronBlock(2, 0, 3072));

    new JobPublisher(new Publisher(producer, topics, codec)).publish(List.of(collate, weights));

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertThat(sent)
        .extracting(ProducerRecord::topic)
        .containsExactly("t.jobs.collate", "t.jobs.weights");
    assertThat(sent)
        .extracting(ProducerRecord::key)
        .containsExactly(collate.unit(), weights.unit());
    assertThat(codec.decode(sent.get(0).value(), CollateJob.class)).isEqualTo(collate);
  }

  @Test
  void explainAndScoreQueuesAFirstAttemptPerNeuronReadingItsRecord() {
    MockProducer<String, byte[]> producer = acking();
    RunSpec spec = new RunSpec("run-2", "store", null, null, null, null, null, null, 4);

    new JobPublisher(new Publisher(producer, topics, codec))
        .explainAndScore(spec, List.of(new NeuronId(0, 7), new NeuronId(11, 3071)));

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertThat(sent)
        .extracting(ProducerRecord::topic)
        .containsOnly(topics.explainAndScore().name());
    assertThat(sent).extracting(ProducerRecord::key).containsExactly("0:7", "11:3071");
    ExplainAndScoreJob last = codec.decode(sent.get(1).value(), ExplainAndScoreJob.class);
    assertThat(last.header()).isEqualTo(JobHeader.first("run-2", 4));
    assertThat(last.neuron()).isEqualTo(new NeuronId(11, 3071));
    assertThat(last.recordKey()).isEqualTo("collated-activations/11/3071.json");
  }

  @Test
  void nothingToPublishSendsNothing() {
    HeldProducer producer = new HeldProducer();
    producer.onFlush =
        () -> {
          throw new AssertionError("flushed without jobs");
        };
    new JobPublisher(new Publisher(producer, topics, codec)).publish(List.of());
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aFailedSendIsRetryableAndNamesTheRun() {
    HeldProducer producer = new HeldProducer();
    producer.onFlush =
        () -> {
          while (producer.errorNext(new IllegalStateException("broker gone"))) {
            // fail every send
          }
        };
    JobPublisher jobs = new JobPublisher(new Publisher(producer, topics, codec));
    RunSpec spec = new RunSpec("run-3", "store", null, null, null, null, null, null, 1);

    assertThatThrownBy(() -> jobs.explainAndScore(spec, List.of(new NeuronId(1, 1))))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("1 job of run run-3")
        .hasMessageContaining("broker gone");
  }

  @Test
  void sendsTheBrokerNeverAcknowledgesTimeOut() {
    HeldProducer producer = new HeldProducer();
    JobPublisher jobs =
        new JobPublisher(new Publisher(producer, topics, codec), Duration.ofMillis(20));
    RunSpec spec = new RunSpec("run-4", "store", null, null, null, null, null, null, 1);

    assertThatThrownBy(
            () -> jobs.explainAndScore(spec, List.of(new NeuronId(1, 1), new NeuronId(1, 2))))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("did not acknowledge 2 jobs of run run-4");
  }

  @Test
  void anInterruptedWaitKeepsTheInterrupt() {
    HeldProducer producer = new HeldProducer();
    JobPublisher jobs = new JobPublisher(new Publisher(producer, topics, codec));
    RunSpec spec = new RunSpec("run-5", "store", null, null, null, null, null, null, 1);

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> jobs.explainAndScore(spec, List.of(new NeuronId(1, 1))))
          .isInstanceOf(RetryableException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aSendThatFailsAtOnceEndsTheBatchWithItsReason() {
    int[] sends = {0};
    MockProducer<String, byte[]> producer =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
            sends[0]++;
            // What KafkaProducer returns when the topic's metadata did not come in max.block.ms.
            return CompletableFuture.failedFuture(
                new TimeoutException(
                    "Topic t.jobs.explain-and-score not present in metadata after 60000 ms."));
          }
        };
    RunSpec spec = new RunSpec("run-4", "store", null, null, null, null, null, null, 4);

    assertThatThrownBy(
            () ->
                new JobPublisher(new Publisher(producer, topics, codec))
                    .explainAndScore(
                        spec, List.of(new NeuronId(0, 1), new NeuronId(0, 2), new NeuronId(0, 3))))
        .isInstanceOf(RetryableException.class)
        .hasMessage(
            "publishing 3 jobs of run run-4 failed: Topic t.jobs.explain-and-score not present in"
                + " metadata after 60000 ms.");
    assertThat(sends[0]).isEqualTo(1);
  }
}
