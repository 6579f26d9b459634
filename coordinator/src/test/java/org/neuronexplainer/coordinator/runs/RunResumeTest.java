package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.ProgressBoard;

/**
 * Stopping and resuming a run over an in-memory store and a mock producer: what a stop records,
 * which runs a resume takes, and that it publishes only the neurons without a result while the
 * run's counts stay those of its whole plan.
 */
class RunResumeTest {

  private static final int V = Messages.SCHEMA_VERSION;
  private static final int NEURONS = 4;

  private final AtomicLong clock = new AtomicLong(1_000L);
  private InMemoryBlobStore store;
  private RunRecords records;
  private ProgressBoard board;
  private MockProducer<String, byte[]> producer;
  private RunService runs;

  @BeforeEach
  void setUp() {
    store = new InMemoryBlobStore();
    for (int n = 0; n < NEURONS; n++) {
      store.put("collated-activations/0/" + n + ".json", new byte[] {'{', '}'});
    }
    records = new RunRecords(store);
    restart();
  }

  /** A fresh coordinator on the same store, as a later process: nothing known but the store. */
  private void restart() {
    board = new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry()));
    producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    runs =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(new Publisher(producer, new Topics("t."), new MessageCodec())),
            board,
            clock::get);
    runs.load();
  }

  private void submit(String runId) {
    runs.submit(new RunSpec(runId, "store", "0", null, null, null, null, null, 1));
    producer.clear();
  }

  /** A neuron finished by a worker: its done marker, then its event. */
  private void done(String runId, int neuron, double score) {
    records.putDone(new NeuronId(0, neuron), new RunRecords.DoneMarker(runId, "method-v", score));
    String unit = "0:" + neuron;
    board.apply(new StageEvent.Started(V, runId, Stage.EXPLAIN_AND_SCORE, unit, 1, clock.get()));
    board.apply(
        new StageEvent.Succeeded(
            V,
            runId,
            Stage.EXPLAIN_AND_SCORE,
            unit,
            1,
            clock.get(),
            false,
            new JobMetrics(10L, 2L, 0.5, score, 0L)));
  }

  private void failed(String runId, int neuron) {
    board.apply(
        new StageEvent.Failed(
            V, runId, Stage.EXPLAIN_AND_SCORE, "0:" + neuron, 1, clock.get(), "boom", false));
  }

  private List<String> publishedUnits() {
    return producer.history().stream().map(ProducerRecord::key).sorted().toList();
  }

  private RunStatus stored(String runId) {
    return records.status(runId).orElseThrow();
  }

  @Test
  void anInterruptedRunRecordsTheTimeAndTheNeuronsLeftWithoutAResult() {
    submit("r");
    done("r", 0, 0.5);
    clock.set(7_000L);

    assertThat(runs.interrupt("r")).isTrue();

    RunStatus status = stored("r");
    assertThat(status.state()).isEqualTo(RunState.INTERRUPTED);
    assertThat(status.finishedMillis()).isEqualTo(7_000L);
    assertThat(status.left()).isEqualTo(3);
    // A job in flight at the interrupt finishes afterwards: counted again, the time kept.
    done("r", 1, 0.25);
    clock.set(8_000L);
    assertThat(runs.recordLeft("r")).isEqualTo(2);
    assertThat(stored("r").left()).isEqualTo(2);
    assertThat(stored("r").finishedMillis()).isEqualTo(7_000L);
  }

  @Test
  void aCancelledRunRecordsTheNeuronsLeftToo() {
    submit("r");
    done("r", 2, 0.5);

    runs.cancel("r");

    assertThat(stored("r").left()).isEqualTo(3);
  }

  @Test
  void aCancelledRunCountsAgainWhatItLeftOnceAJobHeldAtTheCancelFinishes() {
    submit("r");
    submit("other");
    clock.set(7_000L);
    runs.cancel("r");
    runs.settle();
    assertThat(stored("r").left()).isEqualTo(4);

    // A worker held 0:1 at the cancel; its result lands afterwards, with no `run` to count it.
    done("r", 1, 0.25);
    done("other", 0, 0.5);
    clock.set(9_000L);
    runs.settle();

    RunStatus status = stored("r");
    assertThat(status.state()).isEqualTo(RunState.CANCELLED);
    assertThat(status.left()).isEqualTo(3);
    assertThat(status.finishedMillis()).isEqualTo(7_000L);
    assertThat(stored("other").state()).isEqualTo(RunState.RUNNING);
    assertThat(stored("other").left()).isNull();
  }

  @Test
  void anInterruptedRunIsNeverPublishedAgainByALaterCoordinator() {
    submit("r");
    runs.interrupt("r");
    // Even one whose first jobs the store does not mark as published.
    store.delete(RunRecords.publishedKey("r"));
    restart();

    runs.publishPending();
    runs.settle();

    assertThat(producer.history()).isEmpty();
    assertThat(stored("r").state()).isEqualTo(RunState.INTERRUPTED);
  }

  @Test
  void aResumedRunTakesTheScoresByScorerOfItsDoneMarkers() {
    submit("r");
    records.putDone(
        new NeuronId(0, 0),
        new RunRecords.DoneMarker(
            "r", "method-v", 0.5, Map.of("simulation", 0.5, "detection", 0.75)));
    records.putDone(
        new NeuronId(0, 1),
        new RunRecords.DoneMarker(
            "r", "method-v", 0.25, Map.of("simulation", 0.25, "detection", 0.25)));
    runs.interrupt("r");
    restart();

    RunView view = runs.resume("r");

    assertThat(view.progress().meanScores())
        .containsExactly(Map.entry("simulation", 0.375), Map.entry("detection", 0.5));
  }

  @Test
  void resumingAnInterruptedRunPublishesOnlyTheNeuronsWithoutAResult() {
    submit("r");
    done("r", 0, 0.5);
    done("r", 2, 0.25);
    runs.interrupt("r");
    restart(); // a later process: the events of the done neurons are not known to it
    clock.set(20_000L);

    RunView view = runs.resume("r");

    assertThat(publishedUnits()).containsExactly("0:1", "0:3");
    assertThat(view.state()).isEqualTo("running");
    assertThat(stored("r").state()).isEqualTo(RunState.RUNNING);
    assertThat(stored("r").resumedMillis()).isEqualTo(20_000L);
    assertThat(stored("r").finishedMillis()).isZero();
    assertThat(stored("r").left()).isNull();
    // The counts are the whole plan's: the neurons with a result count as done, with their scores.
    assertThat(view.progress().neurons()).isEqualTo(NEURONS);
    assertThat(view.progress().states()).containsEntry("done", 2).containsEntry("pending", 2);
    assertThat(view.progress().meanScore()).isEqualTo(0.375);

    done("r", 1, 0.5);
    done("r", 3, 0.5);
    runs.settle();
    assertThat(stored("r").state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(runs.view("r").progress().states()).containsEntry("done", NEURONS);
  }

  @Test
  void resumingAFailedRunPublishesItsFailedNeurons() {
    submit("r");
    done("r", 0, 0.5);
    done("r", 1, 0.5);
    done("r", 2, 0.5);
    failed("r", 3);
    runs.settle();
    assertThat(stored("r").state()).isEqualTo(RunState.FAILED);

    runs.resume("r");

    assertThat(publishedUnits()).containsExactly("0:3");
    assertThat(runs.view("r").progress().states())
        .containsEntry("done", 3)
        .containsEntry("pending", 1)
        .containsEntry("failed", 0);
  }

  @Test
  void resumingARunWhoseFirstJobsNeverWentOutDoesNotPublishThemAllAgain() {
    submit("r");
    done("r", 0, 0.5);
    runs.interrupt("r");
    store.delete(RunRecords.publishedKey("r"));
    restart();

    runs.resume("r");
    runs.publishPending();
    runs.settle();

    assertThat(publishedUnits()).containsExactly("0:1", "0:2", "0:3");
  }

  @Test
  void resumingARunningOrSucceededOrUnknownRunIsRefused() {
    submit("running");
    assertThatThrownBy(() -> runs.resume("running"))
        .isInstanceOf(RunConflictException.class)
        .hasMessage("run running is running: nothing to resume (`status running` follows it)");

    submit("ok");
    for (int n = 0; n < NEURONS; n++) {
      done("ok", n, 0.5);
    }
    clock.set(2_000L);
    runs.settle();
    RunStatus before = stored("ok");
    assertThatThrownBy(() -> runs.resume("ok"))
        .isInstanceOf(RunConflictException.class)
        .hasMessage(
            "run ok succeeded at 1970-01-01T00:00:02Z: every neuron has its result, nothing to"
                + " resume");
    assertThat(stored("ok")).isEqualTo(before);

    assertThatThrownBy(() -> runs.resume("nope")).isInstanceOf(RunNotFoundException.class);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aResumeTheBrokerDidNotTakeIsPublishedByALaterCoordinator() throws Exception {
    submit("r");
    done("r", 0, 0.5);
    runs.interrupt("r");
    // A broker that never acknowledges: the resume answers within its bound, its work recorded.
    MockProducer<String, byte[]> silent =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized void flush() {} // leaves the sends unacknowledged
        };
    RunService stuck =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(new Publisher(silent, new Topics("t."), new MessageCodec())),
            new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry())),
            clock::get,
            java.time.Duration.ofMillis(100));
    stuck.load();
    assertThatThrownBy(() -> stuck.resume("r")).isInstanceOf(PublishPendingException.class);
    stuck.close();
    assertThat(records.requeued("r")).hasSize(1);

    restart();
    runs.publishPending();
    runs.awaitPublishingQueued();

    assertThat(publishedUnits()).containsExactly("0:1", "0:2", "0:3");
    assertThat(records.requeued("r")).isEmpty();
    assertThat(stored("r").state()).isEqualTo(RunState.RUNNING);
  }
}
