package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.NeuronBlock;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.ProgressBoard;

/**
 * A capture run's partials go once its collation is complete, and stay while it is not: a failed
 * collate unit or a stopped run keeps them for a re-queue or a resume.
 */
class CapturePartialsTest {

  private static final int V = Messages.SCHEMA_VERSION;

  /** Layer 0, neurons 0-3 in blocks of 2: two collate units, two capture shards. */
  private static final List<NeuronBlock> BLOCKS =
      List.of(new NeuronBlock(0, 0, 2), new NeuronBlock(0, 2, 2));

  private static final List<String> SHARDS = List.of("layers:0-0/shard:0", "layers:0-0/shard:1");

  private InMemoryBlobStore store;
  private ProgressBoard board;
  private RunService runs;
  private RunSpec spec;

  @BeforeEach
  void setUp(@TempDir Path model) throws Exception {
    Files.writeString(model.resolve("config.json"), "{\"n_layer\": 2, \"n_embd\": 4}");
    store = new InMemoryBlobStore();
    board = new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry()));
    runs =
        new RunService(
            new RunRecords(store),
            new RunPlanner(store),
            new JobPublisher(
                new Publisher(
                    new MockProducer<>(
                        true, null, new StringSerializer(), new ByteArraySerializer()),
                    new Topics("t."),
                    new MessageCodec())),
            board,
            () -> 1_000L);
    CaptureRun capture =
        CaptureRun.of(model.toString(), List.of("c.txt")).withShards(2).withCollateBlock(2);
    spec =
        runs.submit(
                new RunSpec("r", null, "0", "0-3", null, null, null, null, 1).withCapture(capture))
            .spec();
    for (int shard = 0; shard < 2; shard++) {
      store.put(partial(shard), new byte[1024]);
    }
  }

  @AfterEach
  void tearDown() {
    runs.close();
  }

  private static String partial(int shard) {
    return CaptureKeys.partialsPrefix("r") + "layer-0/shard-" + shard + "-of-2.bin";
  }

  private void event(Stage stage, String unit, boolean ok) {
    board.apply(new StageEvent.Started(V, "r", stage, unit, 1, 1_000L));
    board.apply(
        ok
            ? new StageEvent.Succeeded(
                V, "r", stage, unit, 1, 1_000L, false, new JobMetrics(1L, 0L, 0.0, 0.0, 0L))
            : new StageEvent.Failed(V, "r", stage, unit, 1, 1_000L, "boom", false));
  }

  /** What a collate job leaves: its marker after its records, then its event. */
  private void collated(NeuronBlock block, boolean ok) {
    if (ok) {
      store.put(CaptureKeys.collated("r", block), new byte[] {'{', '}'});
    }
    event(Stage.COLLATE, block.toString(), ok);
  }

  private List<String> partials() {
    return store.list(CaptureKeys.partialsPrefix("r"));
  }

  @Test
  void partialsAreRemovedOnceEveryCollateUnitSucceeded() {
    SHARDS.forEach(s -> event(Stage.CAPTURE, s, true));
    runs.settle();
    collated(BLOCKS.get(0), true);
    runs.settle();
    assertThat(partials()).as("one collate unit still to go").hasSize(2);

    collated(BLOCKS.get(1), true);
    runs.settle();

    assertThat(partials()).isEmpty();
    assertThat(store.exists(CaptureKeys.collated("r", BLOCKS.get(1)))).isTrue();
    assertThat(runs.view("r").status().state()).isEqualTo(RunState.RUNNING);
  }

  @Test
  void aFailedCollateUnitKeepsThePartialsUntilItsRequeueSucceeds() {
    SHARDS.forEach(s -> event(Stage.CAPTURE, s, true));
    runs.settle();
    collated(BLOCKS.get(0), true);
    collated(BLOCKS.get(1), false);
    runs.settle();
    assertThat(partials()).hasSize(2);

    runs.requeue("r", null);
    collated(BLOCKS.get(1), true);
    runs.settle();
    assertThat(partials()).isEmpty();
  }

  @Test
  void anEventWithoutTheCollateMarkerRemovesNothing() {
    SHARDS.forEach(s -> event(Stage.CAPTURE, s, true));
    runs.settle();
    collated(BLOCKS.get(0), true);
    event(Stage.COLLATE, BLOCKS.get(1).toString(), true);
    runs.settle();
    assertThat(partials()).hasSize(2);
  }

  @Test
  void anInterruptedRunKeepsItsPartials() {
    SHARDS.forEach(s -> event(Stage.CAPTURE, s, true));
    runs.settle();
    assertThat(runs.interrupt("r")).isTrue();
    BLOCKS.forEach(b -> collated(b, true));
    runs.settle();
    assertThat(partials()).hasSize(2);
  }
}
