package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

class RunPromptsTest {

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final RunRecords records = new RunRecords(store);

  private static RunSpec spec(String id) {
    return new RunSpec(
        id, "store", null, null, "token-activation-pair", "one-at-a-time", "linear", "m", 3);
  }

  @Test
  void aRunWithoutRecordedInputsGetsTheWorkersTextsAndTheBundledSets() {
    PromptTexts workerTexts = texts("Who are you?");
    RunSpec stored = records.putSpec(spec("old"));

    PromptInputs inputs = new RunPrompts(records, workerTexts).forRun(stored);

    assertThat(inputs.texts()).isEqualTo(workerTexts);
    assertThat(inputs.explainerExamples()).isNull();
    assertThat(inputs.simulatorExamples(FewShotSet.SIMULATION))
        .isEqualTo(FewShotSet.SIMULATION.examples());
    assertThat(inputs.escapeTokens()).isFalse();
  }

  @Test
  void aRunReadsTheFilesStoredBesideItsSpec() throws Exception {
    byte[] textsFile = new ObjectMapper().writeValueAsBytes(json("Who are you?"));
    RunSpec stored =
        records.putSpec(
            spec("r")
                .withPrompts(
                    RunInput.of("mine.json", textsFile),
                    null,
                    RunInput.of("test.json", FewShotSet.TEST.bytes()),
                    true));

    PromptInputs inputs = new RunPrompts(records, PromptTexts.defaults()).forRun(stored);

    assertThat(inputs.texts().get(PromptText.EXPLAINER_SYSTEM)).isEqualTo("Who are you?");
    assertThat(inputs.simulatorExamples()).isEqualTo(FewShotSet.TEST.examples());
    assertThat(inputs.escapeTokens()).isTrue();
  }

  @Test
  void anAlteredFileFailsTheRunPermanently() {
    RunSpec stored =
        records.putSpec(
            spec("r")
                .withPrompts(RunInput.of("t.json", PromptTexts.defaultBytes()), null, null, false));
    store.put("runs/r/prompt-texts.json", "{}".getBytes());

    assertThatThrownBy(() -> new RunPrompts(records, PromptTexts.defaults()).forRun(stored))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("runs/r/prompt-texts.json does not have the sha256");
  }

  @Test
  void anInvalidFileFailsTheRunPermanentlyNamingTheText() {
    RunSpec stored =
        records.putSpec(
            spec("r").withPrompts(RunInput.of("t.json", "{}".getBytes()), null, null, false));

    assertThatThrownBy(() -> new RunPrompts(records, PromptTexts.defaults()).forRun(stored))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("runs/r/prompt-texts.json: missing text");
  }

  private static ObjectNode json(String system) {
    try {
      ObjectNode json = (ObjectNode) new ObjectMapper().readTree(PromptTexts.defaultBytes());
      return json.put("explainer.system", system);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static PromptTexts texts(String system) {
    try {
      return PromptTexts.parse(new ObjectMapper().writeValueAsBytes(json(system)), "worker.json");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
