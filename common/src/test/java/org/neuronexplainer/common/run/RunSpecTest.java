package org.neuronexplainer.common.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

class RunSpecTest {

  private static CaptureRun capture(int shards, int batch) {
    return CaptureRun.of("/models/gpt2", List.of("a.jsonl")).withShards(shards).withBatch(batch);
  }

  @Test
  void aStoredSpecWithoutCaptureSettingsReadsAsAStoreRun() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    // The shape of every spec.json written before capture runs existed.
    store.put(
        RunRecords.specKey("old"),
        ("{\"runId\":\"old\",\"source\":\"store\",\"layers\":\"0-1\",\"neurons\":null,"
                + "\"explainer\":\"baseline\",\"simulator\":\"baseline\",\"calibration\":\"linear\","
                + "\"llmModel\":null,\"maxAttempts\":3}")
            .getBytes(StandardCharsets.UTF_8));
    RunSpec old = new RunRecords(store).spec("old").orElseThrow();
    assertThat(old.captures()).isFalse();
    assertThat(old.capture()).isNull();
    assertThat(old.layers()).isEqualTo("0-1");
    assertThat(old.methodVersion()).isEqualTo("v1|baseline|baseline|linear|-");
  }

  @Test
  void aCaptureSpecTakesDefaultsAndSurvivesTheStore() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.put(
        RunRecords.specKey("c"),
        "{\"runId\":\"c\",\"capture\":{\"model\":\"gpt2\",\"corpus\":[\"store:corpus/a.txt\"]}}"
            .getBytes(StandardCharsets.UTF_8));
    RunRecords records = new RunRecords(store);
    RunSpec spec = records.spec("c").orElseThrow();
    assertThat(spec.source()).isEqualTo("capture");
    CaptureRun c = spec.capture();
    assertThat(List.of(c.context(), c.top(), c.random(), c.pool(), c.shards(), c.batch()))
        .containsExactly(64, 50, 50, 250, 1, 8);
    assertThat(c.collateBlock()).isEqualTo(512);
    assertThat(c.precision()).isEqualTo("float32");
    // Written before the quantile fields existed: the capture command's defaults.
    assertThat(c.quantileKeys()).isEqualTo(CaptureRun.DEFAULT_QUANTILE_KEYS);
    assertThat(c.quantiles()).isEqualTo("one-pass");
    records.putSpec(spec);
    assertThat(records.spec("c")).contains(spec);
  }

  @Test
  void quantileKeysSurviveTheStoreAndZeroMeansNone() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunRecords records = new RunRecords(store);
    for (int keys : new int[] {0, 2000}) {
      store.put(
          RunRecords.specKey("q" + keys),
          ("{\"runId\":\"q"
                  + keys
                  + "\",\"capture\":{\"model\":\"gpt2\",\"corpus\":[\"a.txt\"],"
                  + "\"quantileKeys\":"
                  + keys
                  + ",\"quantiles\":\"One-Pass\"}}")
              .getBytes(StandardCharsets.UTF_8));
      RunSpec spec = records.spec("q" + keys).orElseThrow();
      assertThat(spec.capture().quantileKeys()).isEqualTo(keys);
      assertThat(spec.capture().quantiles()).isEqualTo("one-pass");
      records.putSpec(spec);
      assertThat(new String(store.get(RunRecords.specKey("q" + keys)).orElseThrow()))
          .contains("\"quantileKeys\":" + keys, "\"quantiles\":\"one-pass\"");
      assertThat(records.spec("q" + keys)).contains(spec);
    }
  }

  @Test
  void eachWithChangesOnlyWhatItNamesAndAZeroTakesTheDefault() {
    CaptureRun custom =
        CaptureRun.of("m", List.of("a"))
            .withContext(16)
            .withSamples(5, 300, 0)
            .withSeed(7)
            .withShards(4)
            .withBatch(16)
            .withWeights(0)
            .withQuantileKeys(0);
    assertThat(
            List.of(
                custom.context(),
                custom.top(),
                custom.random(),
                custom.pool(),
                custom.shards(),
                custom.batch(),
                custom.weightsTop(),
                custom.quantileKeys()))
        .as("a zero pool is the larger of 250 and random; zero quantile keys keep none")
        .containsExactly(16, 5, 300, 300, 4, 16, CaptureRun.DEFAULT_WEIGHTS_TOP, 0);
    assertThat(custom.seed()).isEqualTo(7);
    assertThat(custom.weights()).isTrue();
    assertThat(custom.collateBlock()).isEqualTo(CaptureRun.DEFAULT_COLLATE_BLOCK);
    assertThat(custom.withShards(0)).isEqualTo(custom.withShards(CaptureRun.DEFAULT_SHARDS));
    assertThat(custom.withShards(0).context()).isEqualTo(16);

    RunRecords records = new RunRecords(new InMemoryBlobStore());
    RunSpec spec =
        new RunSpec("w", null, null, null, null, null, null, null, 0).withCapture(custom);
    records.putSpec(spec);
    assertThat(records.spec("w")).contains(spec);
  }

  @Test
  void withCaptureMakesACaptureRunAndNullMakesAStoreRunAgain() {
    RunSpec store = new RunSpec("r", null, "0", null, null, null, null, null, 0).withBudget(2.0);
    RunSpec captures = store.withCapture(capture(1, 8));
    assertThat(captures.source()).isEqualTo("capture");
    assertThat(captures.capture()).isEqualTo(capture(1, 8));
    assertThat(captures.budgetUsd()).isEqualTo(2.0);
    assertThat(captures.methodVersion()).isEqualTo(store.methodVersion());
    assertThat(captures.withCapture(null)).isEqualTo(store);
  }

  @Test
  void badCaptureSettingsAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> new RunSpec("r", "capture", null, null, null, null, null, null, 0))
        .hasMessageContaining("source=capture needs capture settings");
    assertThatThrownBy(
            () ->
                new RunSpec(
                    "r",
                    "store",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    capture(1, 8),
                    null,
                    null,
                    null,
                    false,
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("source is store");
    assertThatThrownBy(() -> capture(2, 7)).hasMessageContaining("capture.batch 7 must divide 64");
    assertThat(capture(1, 7).batch()).isEqualTo(7);
    assertThatThrownBy(() -> CaptureRun.of(" ", List.of("a")))
        .hasMessageContaining("capture.model");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of())).hasMessageContaining("capture.corpus");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of("store:")))
        .hasMessageContaining("empty file name");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of("a")).withSamples(0, 60, 40))
        .hasMessageContaining("capture.pool (40) must be at least capture.random (60)");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of("a")).withPrecision("bfloat16"))
        .hasMessageContaining("float32 or float16");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of("a")).withContext(-1))
        .hasMessageContaining("capture.context");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of("a")).withQuantileKeys(-1))
        .hasMessageContaining("capture.quantileKeys must be in 0..10000000, got -1");
    assertThatThrownBy(() -> CaptureRun.of("m", List.of("a")).withQuantiles("3-pass"))
        .hasMessageContaining("capture.quantiles must be one-pass or two-pass, got '3-pass'");
    CaptureRun twoPass = CaptureRun.of("m", List.of("a")).withQuantiles(CaptureRun.TWO_PASS);
    assertThatThrownBy(twoPass::requirePipelineQuantiles)
        .hasMessageContaining("two-pass is not supported by pipeline runs")
        .hasMessageContaining("capture command");
    CaptureRun.of("m", List.of("a")).requirePipelineQuantiles();
  }

  @Test
  void anotherSimulatorModelChangesTheMethodVersionAndTheSameOneDoesNot() {
    RunSpec spec = new RunSpec("r", "store", null, null, "token-space", "json", "linear", "m", 3);
    assertThat(spec.withSimulatorModel("m").methodVersion()).isEqualTo(spec.methodVersion());
    assertThat(spec.withSimulatorModel(" ").simulatorModel()).isNull();
    assertThat(spec.withSimulatorModel("small").methodVersion())
        .isEqualTo(spec.methodVersion() + "|simulator=small");
  }

  @Test
  void scorersDefaultToSimulationWhichIsNeitherStoredNorInTheMethodVersion() {
    RunSpec plain = new RunSpec("s", "store", null, null, null, null, null, null, 0);
    assertThat(plain.scorers()).isNull();
    assertThat(plain.scorerNames()).containsExactly("simulation");
    assertThat(plain.classifiers()).isEmpty();
    RunSpec explicit = plain.withScorers(List.of(" Simulation "));
    assertThat(explicit).isEqualTo(plain);
    assertThat(explicit.methodVersion()).isEqualTo(plain.methodVersion());
    InMemoryBlobStore store = new InMemoryBlobStore();
    new RunRecords(store).putSpec(explicit);
    assertThat(new String(store.get(RunRecords.specKey("s")).orElseThrow(), StandardCharsets.UTF_8))
        .doesNotContain("scorers");
  }

  @Test
  void chosenScorersSurviveTheStoreAndChangeTheMethodVersion() {
    RunSpec plain = new RunSpec("s", "store", null, null, null, null, null, null, 0);
    RunSpec all = plain.withScorers(List.of("simulation", "detection", "FUZZING"));
    assertThat(all.scorers()).containsExactly("simulation", "detection", "fuzzing");
    assertThat(all.classifiers())
        .containsExactly(
            org.neuronexplainer.common.classify.ClassifierKind.DETECTION,
            org.neuronexplainer.common.classify.ClassifierKind.FUZZING);
    assertThat(all.methodVersion())
        .isEqualTo(plain.methodVersion() + "|scorers=simulation,detection,fuzzing");
    assertThat(plain.withScorers(List.of("simulation", "fuzzing")).methodVersion())
        .isNotEqualTo(all.methodVersion());
    all.checkBackends();
    RunRecords records = new RunRecords(new InMemoryBlobStore());
    records.putSpec(all);
    assertThat(records.spec("s")).contains(all);
  }

  @Test
  void checkBackendsRefusesUnknownMisplacedOrRepeatedScorers() {
    RunSpec plain = new RunSpec("s", "store", null, null, null, null, null, null, 0);
    assertThatThrownBy(() -> plain.withScorers(List.of("simulation", "judge")).checkBackends())
        .hasMessageContaining("unknown scorer \"judge\"")
        .hasMessageContaining("simulation, detection, fuzzing");
    assertThatThrownBy(() -> plain.withScorers(List.of("detection")).checkBackends())
        .hasMessageContaining("must start with simulation");
    assertThatThrownBy(() -> plain.withScorers(List.of()).checkBackends())
        .hasMessageContaining("must start with simulation");
    assertThatThrownBy(
            () -> plain.withScorers(List.of("simulation", "fuzzing", "fuzzing")).checkBackends())
        .hasMessageContaining("twice");
  }
}
