package org.neuronexplainer.common.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

/** The files a run's prompts were built from: recorded in the spec, stored beside it. */
class RunInputsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TEXTS = "{\"neuron.heading\": \"Neuron {number}\"}";

  private static RunSpec spec() {
    return new RunSpec(
        "r", "store", null, null, "token-activation-pair", "all-at-once", "linear", "m", 3);
  }

  private static RunSpec withInputs() {
    return spec()
        .withPrompts(
            RunInput.of("mine.json", TEXTS.getBytes(StandardCharsets.UTF_8)),
            RunInput.of("set.json", "{\"examples\": []}".getBytes(StandardCharsets.UTF_8)),
            null,
            true);
  }

  @Test
  void aSpecWithoutTheNewFieldsReadsAsBefore() throws Exception {
    RunSpec old =
        JSON.readValue(
            "{\"runId\":\"r\",\"explainer\":\"baseline\",\"simulator\":\"baseline\"}",
            RunSpec.class);

    assertThat(old.promptTexts()).isNull();
    assertThat(old.explainerFewShot()).isNull();
    assertThat(old.simulatorFewShot()).isNull();
    assertThat(old.escapeTokens()).isFalse();
    assertThat(old.methodVersion()).isEqualTo("v1|baseline|baseline|linear|-");
  }

  @Test
  void aSpecWithoutInputsRoundTripsThroughJson() throws Exception {
    RunSpec spec = spec();

    assertThat(JSON.readValue(JSON.writeValueAsBytes(spec), RunSpec.class)).isEqualTo(spec);
  }

  @Test
  void aSpecWithInputsRoundTripsThroughJsonContentsIncluded() throws Exception {
    RunSpec spec = withInputs();

    RunSpec back = JSON.readValue(JSON.writeValueAsBytes(spec), RunSpec.class);

    assertThat(back).isEqualTo(spec);
    assertThat(back.promptTexts().content()).isEqualTo(TEXTS);
    assertThat(back.escapeTokens()).isTrue();
  }

  @Test
  void theHashIsTheContentsSha256() {
    RunInput input = RunInput.of("a.json", "abc".getBytes(StandardCharsets.UTF_8));

    // FIPS 180-2, appendix B.1: SHA-256("abc").
    assertThat(input.sha256())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aHashThatDoesNotMatchTheContentIsRefused() {
    assertThatThrownBy(() -> new RunInput("a.json", "0".repeat(64), "abc"))
        .hasMessageContaining("does not match its content");
  }

  @Test
  void storingASpecPutsEachFileBesideItAndKeepsNameAndHash() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunRecords records = new RunRecords(store);
    RunSpec spec = withInputs();

    RunSpec stored = records.putSpec(spec);

    assertThat(stored.promptTexts().content()).isNull();
    assertThat(stored.promptTexts().name()).isEqualTo("mine.json");
    assertThat(stored.promptTexts().sha256()).isEqualTo(spec.promptTexts().sha256());
    assertThat(records.spec("r")).contains(stored);
    String json = new String(store.get(RunRecords.specKey("r")).orElseThrow());
    assertThat(json).doesNotContain("content").contains("\"escapeTokens\":true");
    assertThat(store.get("runs/r/prompt-texts.json")).contains(TEXTS.getBytes());
    assertThat(records.input("r", RunRecords.PROMPT_TEXTS_FILE, stored.promptTexts()))
        .contains(TEXTS.getBytes());
    assertThat(store.get("runs/r/explainer-few-shot.json")).isPresent();
    assertThat(store.get("runs/r/simulator-few-shot.json")).isEmpty();
  }

  @Test
  void aStoredFileThatNoLongerHasItsHashIsRefused() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunRecords records = new RunRecords(store);
    RunSpec stored = records.putSpec(withInputs());
    store.put("runs/r/prompt-texts.json", "{}".getBytes());

    assertThatThrownBy(() -> records.input("r", RunRecords.PROMPT_TEXTS_FILE, stored.promptTexts()))
        .hasMessageContaining("runs/r/prompt-texts.json does not have the sha256");
  }

  @Test
  void aUserFileWithoutContentIsRefusedBeforeAnythingIsWritten() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunSpec spec =
        spec().withPrompts(new RunInput("mine.json", "a".repeat(64), null), null, null, false);

    assertThatThrownBy(() -> new RunRecords(store).putSpec(spec))
        .hasMessageContaining("mine.json has no content");
    assertThat(store.list("runs/")).isEmpty();
  }

  @Test
  void theInputsChangeTheMethodVersion() {
    assertThat(withInputs().methodVersion())
        .startsWith(spec().methodVersion() + "|")
        .endsWith("|escaped");
  }
}
