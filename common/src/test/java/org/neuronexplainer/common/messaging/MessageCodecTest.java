package org.neuronexplainer.common.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;

class MessageCodecTest {

  private final MessageCodec codec = new MessageCodec();
  private final JobHeader header = new JobHeader("run-1", 2, 5, 1_700_000_000_000L);

  @Test
  void everyJobRoundTrips() {
    List<Job> jobs =
        List.of(
            new CaptureJob(header, new LayerRange(0, 11), 7, "corpus/shard-7.jsonl", "runs/r/p"),
            new CollateJob(header, new NeuronBlock(3, 0, 512), "runs/r/p"),
            new ExplainAndScoreJob(
                header, new NeuronId(12, 345), "collated-activations/12/345.json"),
            new WeightsJob(header, new NeuronBlock(0, 1024, 256)));
    for (Job job : jobs) {
      assertThat(codec.decode(codec.encode(job), job.getClass())).isEqualTo(job);
    }
  }

  @Test
  void jobJsonIsFlatAndNamed() {
    String json =
        new String(codec.encode(new ExplainAndScoreJob(header, new NeuronId(1, 2), "k")), UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"schemaVersion\":1,\"header\":{\"runId\":\"run-1\",\"attempt\":2,\"maxAttempts\":5,"
                + "\"notBeforeMillis\":1700000000000},\"neuron\":{\"layerIndex\":1,\"neuronIndex\":2},"
                + "\"recordKey\":\"k\"}");
  }

  @Test
  void eventsRoundTripThroughTheirInterface() {
    Job job = new ExplainAndScoreJob(header, new NeuronId(4, 5), "k");
    List<StageEvent> events =
        List.of(
            StageEvent.started(job, 10),
            StageEvent.succeeded(job, 11, false, new JobMetrics(100L, 20L, 0.003, 0.42)),
            StageEvent.succeeded(job, 11, false, new JobMetrics(100L, 20L, 0.003, 0.42, 64L)),
            StageEvent.succeeded(
                job,
                11,
                false,
                new JobMetrics(
                    100L, 20L, 0.003, 0.42, 64L, Map.of("simulation", 0.42, "detection", 0.8))),
            StageEvent.succeeded(job, 12, true, null),
            StageEvent.failed(job, 13, "RetryableException: timeout", true));
    for (StageEvent event : events) {
      assertThat(codec.decode(codec.encode(event), StageEvent.class)).isEqualTo(event);
    }
    assertThat(new String(codec.encode(events.get(0)), UTF_8)).contains("\"type\":\"started\"");
    assertThat(new String(codec.encode(events.get(0)), UTF_8))
        .contains("\"stage\":\"explain-and-score\"");
    assertThat(events.get(0).key()).isEqualTo("run-1/explain-and-score/4:5");
  }

  @Test
  void anEventOfAStageThatBecameExplainAndScoreIsMalformedWithTheReason() {
    // What a worker before the merge wrote: the per-neuron job's events under 'explain'.
    String json =
        "{\"type\":\"started\",\"schemaVersion\":1,\"runId\":\"r\",\"stage\":\"explain\","
            + "\"unit\":\"1:2\",\"attempt\":1,\"atMillis\":5}";
    assertThatThrownBy(() -> codec.decode(json.getBytes(UTF_8), StageEvent.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("'explain' is no longer a stage")
        .hasMessageContaining("'explain-and-score'");
  }

  @Test
  void stageIdsAreLowerCaseWithDashes() {
    assertThat(Stage.values())
        .extracting(Stage::id)
        .containsExactly("capture", "collate", "explain-and-score", "weights");
    for (Stage stage : Stage.values()) {
      assertThat(Stage.fromId(stage.id())).isSameAs(stage);
    }
    assertThatThrownBy(() -> Stage.fromId("paint"))
        .hasMessage(
            "unknown stage 'paint' (expected one of capture, collate, explain-and-score, weights)");
    assertThatThrownBy(() -> Stage.fromId("score")).hasMessageContaining("explain-and-score");
  }

  @Test
  void deadLetterKeepsRawBytes() {
    byte[] raw = {0, (byte) 0xff, '{'};
    DeadLetter letter =
        new DeadLetter(1, "ne.jobs.explain-and-score", 3, 42, "1:2", raw, "bad", null, null, 9);
    DeadLetter back = codec.decode(codec.encode(letter), DeadLetter.class);
    assertThat(back).isEqualTo(letter);
    assertThat(back.value()).containsExactly(raw);
  }

  @Test
  void newerSchemaVersionIsRefusedByName() {
    String json =
        "{\"schemaVersion\":2,\"header\":{\"runId\":\"r\",\"attempt\":1,\"maxAttempts\":1,"
            + "\"notBeforeMillis\":0},\"neuron\":{\"layerIndex\":1,\"neuronIndex\":2},"
            + "\"recordKey\":\"k\"}";
    assertThatThrownBy(() -> codec.decode(json.getBytes(UTF_8), ExplainAndScoreJob.class))
        .isInstanceOf(MalformedMessageException.class)
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("schema version 2, newer than this reader's 1");
  }

  @Test
  void missingOrBadVersionIsMalformed() {
    assertThatThrownBy(
            () -> codec.decode("{\"header\":{}}".getBytes(UTF_8), ExplainAndScoreJob.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("without an integer schemaVersion");
    assertThatThrownBy(
            () -> codec.decode("{\"schemaVersion\":0}".getBytes(UTF_8), WeightsJob.class))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void garbageAndWrongShapesAreMalformed() {
    assertThatThrownBy(() -> codec.decode("not json".getBytes(UTF_8), ExplainAndScoreJob.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> codec.decode("[1,2]".getBytes(UTF_8), ExplainAndScoreJob.class))
        .isInstanceOf(MalformedMessageException.class);
    assertThatThrownBy(() -> codec.decode(null, ExplainAndScoreJob.class))
        .isInstanceOf(MalformedMessageException.class);
    // Valid JSON, right version, but a required field missing: the record's own check refuses it.
    assertThatThrownBy(
            () ->
                codec.decode(
                    "{\"schemaVersion\":1,\"header\":null}".getBytes(UTF_8),
                    ExplainAndScoreJob.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("ExplainAndScoreJob");
    // A negative attempt is caught by JobHeader's constructor.
    String badAttempt =
        "{\"schemaVersion\":1,\"header\":{\"runId\":\"r\",\"attempt\":0,\"maxAttempts\":1,"
            + "\"notBeforeMillis\":0},\"block\":{\"layer\":0,\"first\":0,\"count\":1}}";
    assertThatThrownBy(() -> codec.decode(badAttempt.getBytes(UTF_8), WeightsJob.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("attempt must be at least 1");
  }

  @Test
  void unknownFieldsAreIgnoredSoOptionalFieldsNeedNoNewVersion() {
    String json =
        "{\"schemaVersion\":1,\"future\":true,\"header\":{\"runId\":\"r\",\"attempt\":1,"
            + "\"maxAttempts\":1,\"notBeforeMillis\":0},\"block\":{\"layer\":0,\"first\":0,\"count\":1}}";
    assertThat(codec.decode(json.getBytes(UTF_8), WeightsJob.class).block())
        .isEqualTo(new NeuronBlock(0, 0, 1));
  }

  @Test
  void unitsNameTheWork() {
    assertThat(new CaptureJob(header, new LayerRange(0, 11), 7, "c", "p").unit())
        .isEqualTo("layers:0-11/shard:7");
    assertThat(new CollateJob(header, new NeuronBlock(3, 0, 512), "p").unit())
        .isEqualTo("layer:3/neurons:0-511");
    assertThat(new ExplainAndScoreJob(header, new NeuronId(12, 345), "k").unit())
        .isEqualTo("12:345");
  }

  @Test
  void topicsAreDeclaredOnceUnderThePrefix() {
    Topics topics = new Topics("ne.");
    assertThat(topics.all())
        .extracting(Topic::name)
        .containsExactly(
            "ne.jobs.capture",
            "ne.jobs.collate",
            "ne.jobs.explain-and-score",
            "ne.jobs.weights",
            "ne.events",
            "ne.dead-letter");
    assertThat(topics.events().compacted()).isTrue();
    assertThat(topics.jobs(Stage.WEIGHTS)).isSameAs(topics.weights());
    assertThat(topics.groupId(Stage.EXPLAIN_AND_SCORE)).isEqualTo("ne.stage.explain-and-score");
    assertThat(topics.topicOf(new ExplainAndScoreJob(header, new NeuronId(0, 0), "k")))
        .isSameAs(topics.explainAndScore());
    assertThatThrownBy(() -> new Topics("bad prefix/")).hasMessageContaining("topic prefix");
  }
}
