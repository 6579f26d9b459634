package org.neuronexplainer.coordinator.runs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.ProgressBoard;

/**
 * Cancel on running and finished runs, and the failures file, over an in-memory store and a mock
 * producer.
 */
class RunServiceTest {

  private static final int V = Messages.SCHEMA_VERSION;

  private final AtomicLong clock = new AtomicLong(1_000L);
  private InMemoryBlobStore store;
  private RunRecords records;
  private ProgressBoard board;
  private MockProducer<String, byte[]> producer;
  private RunService runs;

  @BeforeEach
  void setUp() {
    store = new InMemoryBlobStore();
    for (int n = 0; n < 2; n++) {
      store.put("collated-activations/0/" + n + ".json", new byte[] {'{', '}'});
    }
    records = new RunRecords(store);
    board = new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry()));
    producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    runs =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(new Publisher(producer, new Topics("t."), new MessageCodec())),
            board,
            clock::get);
  }

  private void submit(String runId) {
    runs.submit(new RunSpec(runId, "store", "0", null, null, null, null, null, 1));
  }

  private void finish(String runId, String unit, boolean ok) {
    long at = clock.get();
    board.apply(new StageEvent.Started(V, runId, Stage.EXPLAIN_AND_SCORE, unit, 1, at));
    board.apply(
        ok
            ? new StageEvent.Succeeded(
                V,
                runId,
                Stage.EXPLAIN_AND_SCORE,
                unit,
                1,
                at,
                false,
                new JobMetrics(10L, 2L, 0.5, 0.4, 4L))
            : new StageEvent.Failed(V, runId, Stage.EXPLAIN_AND_SCORE, unit, 1, at, "boom", false));
  }

  private RunStatus stored(String runId) {
    return records.status(runId).orElseThrow();
  }

  @Test
  void cancellingARunningRunMarksItCancelledWithTheTime() {
    submit("r");
    clock.set(5_000L);

    RunView view = runs.cancel("r");

    assertThat(view.state()).isEqualTo("cancelled");
    assertThat(stored("r").state()).isEqualTo(RunState.CANCELLED);
    assertThat(stored("r").finishedMillis()).isEqualTo(5_000L);
  }

  @Test
  void interruptingARunningRunMarksItInterruptedWithTheTimeAndNeverPublishesItAgain() {
    submit("r");
    clock.set(7_000L);

    assertThat(runs.interrupt("r")).isTrue();

    assertThat(runs.view("r").state()).isEqualTo("interrupted");
    assertThat(stored("r").state()).isEqualTo(RunState.INTERRUPTED);
    assertThat(stored("r").finishedMillis()).isEqualTo(7_000L);
    runs.settle();
    assertThat(stored("r").state()).isEqualTo(RunState.INTERRUPTED);
    assertThat(runs.interrupt("r")).isFalse();
  }

  @Test
  void aSucceededRunIsNotRewrittenByCancel() {
    submit("r");
    finish("r", "0:0", true);
    finish("r", "0:1", true);
    clock.set(2_000L);
    runs.settle();
    RunStatus before = stored("r");
    assertThat(before.state()).isEqualTo(RunState.SUCCEEDED);
    clock.set(9_000L);

    assertThatThrownBy(() -> runs.cancel("r"))
        .isInstanceOf(RunConflictException.class)
        .hasMessage("run r already succeeded at 1970-01-01T00:00:02Z; nothing to cancel");

    assertThat(stored("r")).isEqualTo(before);
    assertThat(runs.view("r").status()).isEqualTo(before);
  }

  @Test
  void aFailedRunRefusesCancelAndItsFailedNeuronsCanStillBeRequeued() {
    submit("r");
    finish("r", "0:0", true);
    finish("r", "0:1", false);
    clock.set(2_000L);
    runs.settle();
    RunStatus before = stored("r");
    assertThat(before.state()).isEqualTo(RunState.FAILED);
    int published = producer.history().size();

    assertThatThrownBy(() -> runs.cancel("r"))
        .isInstanceOf(RunConflictException.class)
        .hasMessage("run r already failed at 1970-01-01T00:00:02Z; nothing to cancel");
    assertThat(stored("r")).isEqualTo(before);

    assertThat(runs.requeue("r", null)).containsExactly("0:1");
    assertThat(stored("r").state()).isEqualTo(RunState.RUNNING);
    assertThat(producer.history()).hasSize(published + 1);
  }

  @Test
  void aSucceededRunsNeuronsCanStillBeRequeuedAfterARefusedCancel() {
    submit("r");
    finish("r", "0:0", true);
    finish("r", "0:1", true);
    runs.settle();

    assertThatThrownBy(() -> runs.cancel("r")).isInstanceOf(RunConflictException.class);

    assertThat(runs.requeue("r", null)).isEmpty();
    assertThat(runs.requeue("r", List.of("0:1"))).containsExactly("0:1");
    assertThat(stored("r").state()).isEqualTo(RunState.RUNNING);
  }

  @Test
  void aCancelledRunIsNotCancelledAgain() {
    submit("r");
    clock.set(3_000L);
    runs.cancel("r");
    RunStatus before = stored("r");
    clock.set(9_000L);

    assertThatThrownBy(() -> runs.cancel("r"))
        .isInstanceOf(RunConflictException.class)
        .hasMessage("run r already cancelled at 1970-01-01T00:00:03Z; nothing to cancel");
    assertThat(stored("r")).isEqualTo(before);
  }

  @Test
  void aFailedNeuronIsRecordedWithItsReasonBeforeTheRunIsMarkedFailed() {
    submit("r");
    finish("r", "0:0", true);
    board.apply(
        new StageEvent.Failed(
            V, "r", Stage.EXPLAIN_AND_SCORE, "0:1", 3, 1_500L, "endpoint down\nat line 2", false));
    assertThat(store.get(RunRecords.failuresKey("r"))).isEmpty();

    runs.settle();

    assertThat(stored("r").state()).isEqualTo(RunState.FAILED);
    assertThat(records.failures("r"))
        .containsExactly(new RunFailure("0:1", "explain-and-score", 3, "endpoint down\nat line 2"));
    String file = new String(store.get(RunRecords.failuresKey("r")).orElseThrow(), UTF_8);
    assertThat(file.lines()).hasSize(1);
    assertThat(file)
        .startsWith("{\"neuron\":\"0:1\",\"stage\":\"explain-and-score\",\"attempts\":3,");
  }

  @Test
  void aRequeuedNeuronThatSucceedsLeavesTheFailuresFile() {
    submit("r");
    finish("r", "0:0", false);
    finish("r", "0:1", false);
    runs.settle();
    assertThat(records.failures("r")).extracting(RunFailure::neuron).containsExactly("0:0", "0:1");

    runs.requeue("r", List.of("0:1"));
    finish("r", "0:1", true);
    runs.settle();

    assertThat(records.failures("r")).extracting(RunFailure::neuron).containsExactly("0:0");
    runs.requeue("r", null);
    finish("r", "0:0", true);
    runs.settle();
    assertThat(stored("r").state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(store.get(RunRecords.failuresKey("r"))).hasValue(new byte[0]);
    assertThat(records.failures("r")).isEmpty();
  }

  @Test
  void theFailuresFileIsWrittenOnlyWhenTheFailuresChange() {
    submit("r");
    finish("r", "0:0", true);
    runs.settle();
    assertThat(store.get(RunRecords.failuresKey("r"))).isEmpty(); // nothing ever failed

    finish("r", "0:1", false);
    runs.settle();
    store.put(RunRecords.failuresKey("r"), new byte[0]);
    runs.settle();
    assertThat(store.get(RunRecords.failuresKey("r"))).hasValue(new byte[0]);
  }
}
