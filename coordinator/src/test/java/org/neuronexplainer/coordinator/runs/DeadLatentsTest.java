package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;
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
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.ProgressBoard;

/**
 * An SAE run's dead latents, named by its collate jobs' markers: skipped, never explained, not left
 * over by an interrupt nor published by a resume, and listed in the dataset's subject.json.
 */
class DeadLatentsTest {

  private static final int V = Messages.SCHEMA_VERSION;
  private static final List<NeuronBlock> BLOCKS =
      List.of(new NeuronBlock(1, 0, 2), new NeuronBlock(1, 2, 2));

  private final AtomicLong clock = new AtomicLong(1_000L);
  private InMemoryBlobStore store;
  private RunRecords records;
  private ProgressBoard board;
  private MockProducer<String, byte[]> producer;
  private RunService runs;
  private RunSpec spec;

  @BeforeEach
  void setUp(@TempDir Path dir) throws Exception {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("config.json"), "{\"n_layer\": 2, \"n_embd\": 4}");
    Path sae = Files.createDirectories(dir.resolve("sae"));
    Files.writeString(
        sae.resolve("cfg.json"),
        "{\"d_in\": 4, \"d_sae\": 4, \"hook_name\": \"blocks.1.hook_resid_pre\"}");
    store = new InMemoryBlobStore();
    records = new RunRecords(store);
    restart();
    CaptureRun capture =
        CaptureRun.of(model.toString(), List.of("c.txt"))
            .withCollateBlock(2)
            .withSae(sae.toString());
    spec =
        runs.submit(
                new RunSpec("r", null, null, null, null, null, null, null, 1)
                    .withSae("res")
                    .withCapture(capture))
            .spec();
    // What the first collate job writes: the SAE's record, its dead latents still unknown.
    store.put(
        "saes/res/" + DatasetSubject.KEY,
        new DatasetSubject(
                DatasetSubject.SAE_LATENTS,
                model.toString(),
                "GPT2LMHeadModel",
                "res",
                sae.toString(),
                "standard",
                "blocks.1.hook_resid_pre",
                1,
                4,
                10,
                List.of())
            .toJson());
  }

  @AfterEach
  void tearDown() {
    runs.close();
  }

  private void restart() {
    if (runs != null) {
      runs.close();
    }
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

  private void succeeded(Stage stage, String unit) {
    board.apply(new StageEvent.Started(V, "r", stage, unit, 1, clock.get()));
    board.apply(
        new StageEvent.Succeeded(
            V, "r", stage, unit, 1, clock.get(), false, new JobMetrics(1L, 0L, 0.0, 0.5, 0L)));
  }

  /** A collate job's marker, naming its dead latents, then its event. */
  private void collated(NeuronBlock block, String dead) {
    store.put(
        CaptureKeys.collated("r", block),
        ("{\"neurons\": 1, \"dead\": " + dead + "}").getBytes(StandardCharsets.UTF_8));
    succeeded(Stage.COLLATE, block.toString());
  }

  private void done(int latent) {
    records.putDone(new NeuronId(1, latent), new RunRecords.DoneMarker("r", "m", 0.5));
    succeeded(Stage.EXPLAIN_AND_SCORE, "1:" + latent);
  }

  @Test
  void deadLatentsAreSkippedAndTheRunSucceedsWithTheOthersDone() throws Exception {
    assertThat(spec.dataset()).isEqualTo("saes/res/");
    succeeded(Stage.CAPTURE, "layers:1-1/shard:0");
    runs.settle();
    collated(BLOCKS.get(0), "[1]");
    collated(BLOCKS.get(1), "[2, 3]");
    runs.settle();
    assertThat(runs.neurons("r", NeuronState.SKIPPED))
        .extracting(n -> n.neuron())
        .containsExactly("1:1", "1:2", "1:3");
    assertThat(runs.neurons("r", NeuronState.SKIPPED).get(0).reason()).contains("never active");
    DatasetSubject subject =
        DatasetSubject.fromJson(store.get("saes/res/subject.json").orElseThrow(), "subject.json");
    assertThat(subject.deadLatents()).containsExactly(1, 2, 3);
    assertThat(records.status("r").orElseThrow().state()).isEqualTo(RunState.RUNNING);

    done(0);
    runs.settle();
    assertThat(records.status("r").orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(runs.view("r").progress().states())
        .containsEntry("done", 1)
        .containsEntry("skipped", 3);
  }

  @Test
  void anInterruptLeavesOnlyTheLiveLatentsAndAResumePublishesNoDeadOne() {
    succeeded(Stage.CAPTURE, "layers:1-1/shard:0");
    runs.settle();
    collated(BLOCKS.get(0), "[1]");
    collated(BLOCKS.get(1), "[]");
    runs.settle();
    done(2);
    runs.interrupt("r");
    assertThat(records.status("r").orElseThrow().left()).isEqualTo(2);

    restart();
    producer.clear();
    runs.resume("r");
    List<String> published = producer.history().stream().map(ProducerRecord::key).sorted().toList();
    assertThat(published).containsExactly("1:0", "1:3");
    assertThat(runs.view("r").progress().states())
        .containsEntry("skipped", 1)
        .containsEntry("done", 1)
        .containsEntry("pending", 2);
  }
}
