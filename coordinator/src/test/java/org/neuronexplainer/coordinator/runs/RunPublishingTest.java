package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.progress.RunProgress;

/**
 * A run's jobs are published at least once: a submission waits a bounded time for the broker, a run
 * whose jobs the broker did not take is recorded and published later, and a restarted coordinator
 * publishes what the store does not mark published.
 */
class RunPublishingTest {

  /**
   * A producer that can be taken down (its sends then fail at once, as with no metadata) or that
   * acknowledges only when told to.
   */
  private static final class Broker extends MockProducer<String, byte[]> {
    volatile boolean down;

    Broker(boolean autoAck) {
      super(autoAck, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
      if (down) {
        return CompletableFuture.failedFuture(
            new TimeoutException("Topic t.jobs.explain-and-score not present in metadata"));
      }
      return super.send(record);
    }

    /** Unlike MockProducer's own, leaves unacknowledged sends unacknowledged. */
    @Override
    public synchronized void flush() {}
  }

  /** A store whose keys under one prefix cannot be written, as a read-only folder. */
  private record ReadOnlyUnder(BlobStore store, String prefix) implements BlobStore {
    @Override
    public Optional<byte[]> get(String key) {
      return store.get(key);
    }

    @Override
    public void put(String key, byte[] data) {
      if (key.startsWith(prefix)) {
        throw new UncheckedIOException(new IOException("cannot write " + key + ": read-only"));
      }
      store.put(key, data);
    }

    @Override
    public boolean exists(String key) {
      return store.exists(key);
    }

    @Override
    public boolean delete(String key) {
      return store.delete(key);
    }

    @Override
    public List<String> list(String prefix) {
      return store.list(prefix);
    }
  }

  private InMemoryBlobStore store;
  private RunRecords records;
  private RunService runs;
  private ProgressBoard board;

  @BeforeEach
  void setUp() {
    store = new InMemoryBlobStore();
    for (int n = 0; n < 3; n++) {
      store.put("collated-activations/0/" + n + ".json", new byte[] {'{', '}'});
    }
    records = new RunRecords(store);
  }

  @AfterEach
  void tearDown() {
    if (runs != null) {
      runs.close();
    }
  }

  private RunService service(Broker broker, Duration ackTimeout, Duration publishTimeout) {
    board = new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry()));
    runs =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(
                new Publisher(broker, new Topics("t."), new MessageCodec()), ackTimeout),
            board,
            () -> 1_000L,
            publishTimeout);
    return runs;
  }

  private static RunSpec spec(String runId) {
    return new RunSpec(runId, "store", "0", null, null, null, null, null, 1);
  }

  private void awaitPublished(String runId) {
    Await.until(Duration.ofSeconds(30), "run " + runId + " published", () -> runs.published(runId));
  }

  @Test
  void aSubmissionPublishesItsJobsAndMarksThemPublished() {
    Broker broker = new Broker(true);
    service(broker, Duration.ofSeconds(5), Duration.ofSeconds(5)).submit(spec("r"));

    assertThat(broker.history()).hasSize(3);
    assertThat(records.published("r")).isTrue();
    assertThat(new String(store.get(RunRecords.publishedKey("r")).orElseThrow()))
        .contains("\"jobs\":3");
  }

  @Test
  void aBrokerThatNeverAcknowledgesAnswersWithinTheBoundAndTheRunIsPublishedLater()
      throws Exception {
    Broker broker = new Broker(false);
    RunService service = service(broker, Duration.ofSeconds(30), Duration.ofMillis(300));

    long start = System.nanoTime();
    assertThatThrownBy(() -> service.submit(spec("r")))
        .isInstanceOf(PublishPendingException.class)
        .hasMessage(
            "run r was recorded, but its jobs are not published yet (the broker did not take them"
                + " within 300 ms); the coordinator publishes them when the broker is back");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));

    assertThat(records.status("r").orElseThrow().state()).isEqualTo(RunState.RUNNING);
    assertThat(records.plan("r")).hasSize(3);
    assertThat(service.view("r").progress().states()).containsEntry("pending", 3);
    assertThat(records.published("r")).isFalse();

    // The broker takes them after all: the publishing that went on writes the marker.
    Await.until(Duration.ofSeconds(30), "3 jobs sent", () -> broker.history().size() >= 3);
    while (broker.completeNext()) {
      // acknowledge every send
    }
    awaitPublished("r");
    assertThat(records.published("r")).isTrue();
  }

  @Test
  void aFailedPublishIsRetriedOnceTheBrokerIsBack() throws Exception {
    Broker broker = new Broker(true);
    broker.down = true;
    RunService service = service(broker, Duration.ofSeconds(5), Duration.ofSeconds(5));

    assertThatThrownBy(() -> service.submit(spec("r")))
        .isInstanceOf(PublishPendingException.class)
        .hasMessageContaining("run r was recorded, but its jobs are not published yet")
        .hasMessageContaining("not present in metadata")
        .hasMessageEndingWith("the coordinator publishes them when the broker is back");
    assertThat(records.published("r")).isFalse();
    assertThatThrownBy(() -> service.submit(spec("r"))).isInstanceOf(RunConflictException.class);

    service.publishPending();
    service.awaitPublishingQueued();
    assertThat(records.published("r")).as("still down").isFalse();

    broker.down = false;
    service.publishPending();
    awaitPublished("r");
    assertThat(broker.history())
        .extracting(ProducerRecord::key)
        .containsExactlyInAnyOrder("0:0", "0:1", "0:2");
  }

  /** A run whose first jobs went out, as a restarted coordinator finds it. */
  private RunService publishedRun(Broker broker, Duration publishTimeout) {
    records.putSpec(spec("r"));
    records.putPlan("r", List.of(new NeuronId(0, 0), new NeuronId(0, 1), new NeuronId(0, 2)));
    records.putStatus(new RunStatus("r", RunState.RUNNING, 3, 1_000L, 0));
    records.putPublished(new RunRecords.PublishedMarker("r", 3, 1_000L));
    RunService service = service(broker, Duration.ofSeconds(30), publishTimeout);
    service.load();
    return service;
  }

  @Test
  void aRequeueWithABrokerThatNeverAcknowledgesAnswersWithinTheBoundAndIsPublishedLater()
      throws Exception {
    Broker broker = new Broker(false);
    RunService service = publishedRun(broker, Duration.ofMillis(300));

    long start = System.nanoTime();
    assertThatThrownBy(() -> service.requeue("r", List.of("0:1")))
        .isInstanceOf(PublishPendingException.class)
        .hasMessage(
            "run r: 1 neuron was re-queued, but their jobs are not published yet (the broker did"
                + " not take them within 300 ms); the coordinator publishes them when the broker is"
                + " back");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(service.neurons("r", NeuronState.PENDING))
        .extracting(RunProgress.NeuronView::neuron)
        .contains("0:1");

    Await.until(Duration.ofSeconds(30), "the job sent", () -> broker.history().size() >= 1);
    assertThat(broker.completeNext()).isTrue();
    service.awaitPublishingQueued();
    assertThat(broker.history()).extracting(ProducerRecord::key).containsExactly("0:1");
  }

  @Test
  void aFailedRequeuePublishIsPublishedByALaterTickOnceTheBrokerIsBack() throws Exception {
    Broker broker = new Broker(true);
    broker.down = true;
    RunService service = publishedRun(broker, Duration.ofSeconds(5));

    assertThatThrownBy(() -> service.requeue("r", List.of("0:1", "0:2")))
        .isInstanceOf(PublishPendingException.class)
        .hasMessageStartingWith("run r: 2 neurons were re-queued, but their jobs are not published")
        .hasMessageContaining("not present in metadata");

    service.publishPending();
    service.awaitPublishingQueued();
    assertThat(broker.history()).as("still down").isEmpty();

    broker.down = false;
    service.publishPending();
    service.awaitPublishingQueued();
    assertThat(broker.history())
        .extracting(ProducerRecord::key)
        .containsExactlyInAnyOrder("0:1", "0:2");
    service.publishPending(); // nothing waits any more
    service.awaitPublishingQueued();
    assertThat(broker.history()).hasSize(2);
  }

  private List<String> requeueRecords(String runId) {
    return store.list(RunRecords.requeuedPrefix(runId));
  }

  @Test
  void aRequeueIsRecordedBeforeItsJobsGoOutAndForgottenOnceTheBrokerTookThem() throws Exception {
    Broker broker = new Broker(true);
    broker.down = true;
    RunService service = publishedRun(broker, Duration.ofSeconds(5));

    assertThatThrownBy(() -> service.requeue("r", List.of("0:1")))
        .isInstanceOf(PublishPendingException.class);
    assertThat(requeueRecords("r")).hasSize(1);
    RunRecords.RequeuedWork work = records.requeued("r").values().iterator().next();
    assertThat(work.neurons()).containsExactly("0:1");
    assertThat(work.captureUnits()).isEmpty();
    assertThat(work.requeuedMillis()).isEqualTo(1_000L);

    service.publishPending();
    service.awaitPublishingQueued();
    assertThat(requeueRecords("r")).as("the broker took nothing").hasSize(1);

    broker.down = false;
    assertThat(service.requeue("r", List.of("0:2"))).containsExactly("0:2");
    assertThat(broker.history())
        .extracting(ProducerRecord::key)
        .containsExactlyInAnyOrder("0:1", "0:2");
    assertThat(requeueRecords("r")).isEmpty();
  }

  @Test
  void aRestartedCoordinatorPublishesARequeueThatTheBrokerDidNotTake() throws Exception {
    Broker down = new Broker(true);
    down.down = true;
    RunService first = publishedRun(down, Duration.ofSeconds(5));
    assertThatThrownBy(() -> first.requeue("r", List.of("0:0", "0:2")))
        .isInstanceOf(PublishPendingException.class);
    first.close(); // the coordinator stops before the broker is back

    Broker broker = new Broker(true);
    RunService restarted = service(broker, Duration.ofSeconds(5), Duration.ofSeconds(5));
    restarted.load();
    restarted.publishPending();
    restarted.awaitPublishingQueued();

    assertThat(broker.history())
        .extracting(ProducerRecord::key)
        .containsExactlyInAnyOrder("0:0", "0:2");
    assertThat(requeueRecords("r")).isEmpty();
    restarted.publishPending(); // a second tick publishes nothing again
    restarted.awaitPublishingQueued();
    assertThat(broker.history()).hasSize(2);
  }

  @Test
  void aRecordedRequeueOfARunThatIsNoLongerRunningIsKeptAndNotPublished() throws Exception {
    Broker down = new Broker(true);
    down.down = true;
    RunService first = publishedRun(down, Duration.ofSeconds(5));
    assertThatThrownBy(() -> first.requeue("r", List.of("0:1")))
        .isInstanceOf(PublishPendingException.class);
    assertThat(first.interrupt("r")).isTrue();
    first.close();

    Broker broker = new Broker(true);
    RunService restarted = service(broker, Duration.ofSeconds(5), Duration.ofSeconds(5));
    restarted.load();
    restarted.publishPending();
    restarted.awaitPublishingQueued();

    assertThat(broker.history()).isEmpty();
    assertThat(requeueRecords("r")).hasSize(1);
  }

  @Test
  void aRequeueThatCannotBeRecordedChangesNothing() {
    records = new RunRecords(new ReadOnlyUnder(store, RunRecords.requeuedPrefix("r")));
    Broker broker = new Broker(true);
    RunService service = publishedRun(broker, Duration.ofSeconds(5));
    board.apply(
        new StageEvent.Failed(
            Messages.SCHEMA_VERSION,
            "r",
            Stage.EXPLAIN_AND_SCORE,
            "0:1",
            1,
            1_000L,
            "boom",
            false));

    assertThatThrownBy(() -> service.requeue("r", null))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("read-only");
    assertThat(service.neurons("r", NeuronState.FAILED))
        .extracting(RunProgress.NeuronView::neuron)
        .containsExactly("0:1");
    assertThat(broker.history()).isEmpty();
  }

  @Test
  void aRestartedCoordinatorPublishesRunningRunsThatAreNotMarkedPublished() throws Exception {
    // What a crash while publishing leaves: the records, no marker. A second run was published,
    // a third cancelled before its jobs went out.
    for (String runId : List.of("crashed", "done", "cancelled")) {
      records.putSpec(spec(runId));
      records.putPlan(runId, List.of(new NeuronId(0, 0), new NeuronId(0, 1)));
      records.putStatus(new RunStatus(runId, RunState.RUNNING, 2, 1_000L, 0));
    }
    records.putPublished(new RunRecords.PublishedMarker("done", 2, 1_000L));
    records.putStatus(
        new RunStatus("cancelled", RunState.RUNNING, 2, 1_000L, 0)
            .with(RunState.CANCELLED, 2_000L));

    Broker broker = new Broker(true);
    RunService restarted = service(broker, Duration.ofSeconds(5), Duration.ofSeconds(5));
    restarted.load();
    restarted.publishPending();
    awaitPublished("crashed");
    restarted.publishPending(); // a second tick publishes nothing again
    restarted.awaitPublishingQueued();

    assertThat(broker.history()).extracting(ProducerRecord::key).containsExactly("0:0", "0:1");
    assertThat(records.published("cancelled")).isFalse();
    assertThat(restarted.neurons("crashed", NeuronState.PENDING)).hasSize(2);
  }
}
