package org.neuronexplainer.common.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

/**
 * Pins the method version and the stored JSON of a few representative specs, built with the
 * canonical constructor: a result is reused only while its method version is unchanged, so these
 * strings may change only with a deliberate change of method.
 */
class RunSpecVersionsTest {

  private static RunInput input(String name, String content) {
    return RunInput.of(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private static final RunSpec DEFAULTS =
      new RunSpec(
          "a", "store", null, null, null, null, null, null, 0, null, null, null, null, false, null,
          null, false, null, null, null, null, null);

  private static final RunSpec NAMED =
      new RunSpec(
          "b",
          "store",
          "0-1",
          "0-9",
          "token-activation-pair",
          "all-at-once",
          "percentile",
          "gpt-4",
          3,
          null,
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
          null);

  private static final RunSpec EVERYTHING =
      new RunSpec(
          "c",
          "store",
          null,
          null,
          "baseline",
          "json",
          "linear",
          "m",
          2,
          null,
          input("texts.json", "texts"),
          input("set.json", "set"),
          input("sim.json", "sim"),
          true,
          "best",
          5.0,
          true,
          "small",
          null,
          null,
          null,
          null);

  private static final RunSpec CAPTURE =
      new RunSpec(
          "d",
          null,
          "0",
          null,
          null,
          null,
          "none",
          null,
          1,
          CaptureRun.of("gpt2", List.of("a.jsonl")),
          null,
          null,
          null,
          false,
          null,
          null,
          false,
          "",
          null,
          null,
          null,
          null);

  @Test
  void methodVersionsArePinned() {
    assertThat(DEFAULTS.methodVersion()).isEqualTo("v1|baseline|baseline|linear|-");
    assertThat(NAMED.methodVersion())
        .isEqualTo("v1|token-activation-pair|all-at-once|percentile|gpt-4");
    assertThat(EVERYTHING.methodVersion())
        .isEqualTo(
            "v1|baseline|json|linear|m|a4b992ab4296|6ee0eb490ff8|507a9a8be3d1|escaped"
                + "|simulator=small");
    assertThat(CAPTURE.methodVersion()).isEqualTo("v1|baseline|baseline|none|-");
    assertThat(EVERYTHING.withSimulatorModel("m").methodVersion())
        .isEqualTo("v1|baseline|json|linear|m|a4b992ab4296|6ee0eb490ff8|507a9a8be3d1|escaped");
  }

  @Test
  void refinementIsPartOfTheVersionOnlyWhenAsked() {
    RunSpec scored = DEFAULTS.withScorers(List.of("simulation", "detection"));
    assertThat(scored.withRefinement(Refinement.none())).isEqualTo(scored);
    assertThat(scored.withRefinement(Refinement.none()).refinement()).isNull();
    assertThat(scored.withRefinement(new Refinement(8, 2, "Detection")).methodVersion())
        .isEqualTo(
            "v1|baseline|baseline|linear|-|scorers=simulation,detection"
                + "|k=8,revisions=2,by=detection");
    assertThat(DEFAULTS.withRefinement(new Refinement(null, 1, null)).methodVersion())
        .isEqualTo("v1|baseline|baseline|linear|-|k=-,revisions=1,by=simulation");
  }

  @Test
  void excerptsPerCallArePartOfTheVersionOnlyWhenSet() {
    RunSpec scored = DEFAULTS.withScorers(List.of("simulation", "fuzzing"));
    assertThat(scored.withExcerptsPerCall(null).methodVersion())
        .isEqualTo("v1|baseline|baseline|linear|-|scorers=simulation,fuzzing");
    assertThat(scored.withExcerptsPerCall(5).methodVersion())
        .isEqualTo("v1|baseline|baseline|linear|-|scorers=simulation,fuzzing|excerpts=5");
    assertThatThrownBy(() -> scored.withExcerptsPerCall(0))
        .hasMessage("excerpts per call must be 1 to 100, got 0");
    assertThatThrownBy(() -> DEFAULTS.withExcerptsPerCall(5))
        .hasMessageContaining("add detection or fuzzing to the scorers");
  }

  @Test
  void refinementIsRefusedWithTheProblemNamed() {
    assertThatThrownBy(() -> new Refinement(0, 0, null))
        .hasMessage("explanations per neuron must be 1 to 20, got 0");
    assertThatThrownBy(() -> new Refinement(null, 11, null))
        .hasMessage("revision rounds must be 0 to 10, got 11");
    assertThatThrownBy(() -> new Refinement(null, 1, "vibes"))
        .hasMessageContaining("unknown scorer \"vibes\"");
    assertThatThrownBy(() -> DEFAULTS.withRefinement(new Refinement(null, 1, "fuzzing")))
        .hasMessageContaining("picked by fuzzing, which is not one of the run's scorers");
  }

  @Test
  void storedJsonIsPinned() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunRecords records = new RunRecords(store);
    for (RunSpec spec : List.of(DEFAULTS, NAMED, EVERYTHING, CAPTURE)) {
      records.putSpec(spec);
      assertThat(records.spec(spec.runId())).contains(spec.withoutInputContents());
    }
    assertThat(json(store, "a"))
        .isEqualTo(
            "{\"runId\":\"a\",\"source\":\"store\",\"layers\":null,\"neurons\":null,"
                + "\"explainer\":\"baseline\",\"simulator\":\"baseline\","
                + "\"calibration\":\"linear\",\"llmModel\":null,\"maxAttempts\":3,\"capture\":null,"
                + "\"promptTexts\":null,\"explainerFewShot\":null,\"simulatorFewShot\":null,"
                + "\"escapeTokens\":false,\"publish\":\"latest\"}");
    assertThat(json(store, "c"))
        .isEqualTo(
            "{\"runId\":\"c\",\"source\":\"store\",\"layers\":null,\"neurons\":null,"
                + "\"explainer\":\"baseline\",\"simulator\":\"json\",\"calibration\":\"linear\","
                + "\"llmModel\":\"m\",\"maxAttempts\":2,\"capture\":null,"
                + "\"promptTexts\":{\"name\":\"texts.json\","
                + "\"sha256\":\"a4b992ab42964e5b7112ad2609ec66bcec05b99340bbb063ec00a52af5ea9d3d\"},"
                + "\"explainerFewShot\":{\"name\":\"set.json\","
                + "\"sha256\":\"6ee0eb490ff832101cf82a3d387c35f29e4230be786978f7acf9e811febf6723\"},"
                + "\"simulatorFewShot\":{\"name\":\"sim.json\","
                + "\"sha256\":\"507a9a8be3d145a86daa9644b28bf42a8dc0720d8baeabdf0406c393692bf082\"},"
                + "\"escapeTokens\":true,\"publish\":\"best\",\"budgetUsd\":5.0,\"batch\":true,"
                + "\"simulatorModel\":\"small\"}");
  }

  private static String json(InMemoryBlobStore store, String runId) {
    return new String(store.get(RunRecords.specKey(runId)).orElseThrow(), StandardCharsets.UTF_8);
  }
}
