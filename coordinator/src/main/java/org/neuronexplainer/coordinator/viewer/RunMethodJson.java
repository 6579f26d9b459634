package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What produced a run's scores, for its page: the backends, calibration, LLM model, token escaping,
 * and each file its prompts were built from, by recorded name and hash with the key of the stored
 * copy, so that the page links to it through the raw route. An input a spec does not name (a spec
 * from before they were recorded, or a backend without prompts) is {@code recorded: false}, and
 * {@code escapeTokens} is absent when the spec names none of them and does not escape.
 */
final class RunMethodJson {

  /** The run inputs' keys, the only {@code runs/} keys the raw route serves. */
  private static final Pattern INPUT_KEY =
      Pattern.compile(
          "runs/[A-Za-z0-9][A-Za-z0-9._-]{0,99}/("
              + Pattern.quote(RunRecords.PROMPT_TEXTS_FILE)
              + "|"
              + Pattern.quote(RunRecords.EXPLAINER_FEW_SHOT_FILE)
              + "|"
              + Pattern.quote(RunRecords.SIMULATOR_FEW_SHOT_FILE)
              + ")");

  private RunMethodJson() {}

  static ObjectNode method(RunSpec spec, BlobStore store) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("explainer", spec.explainer());
    node.put("simulator", spec.simulator());
    node.put("calibration", spec.calibration());
    if (spec.llmModel() != null) {
      node.put("llmModel", spec.llmModel());
    }
    if (spec.simulatorModel() != null) {
      node.put("simulatorModel", spec.simulatorModel());
    }
    // A spec from before escaping was a setting reads as false, though those runs escaped: left
    // out when the spec records nothing about its prompts, rather than shown wrong.
    if (spec.escapeTokens()
        || spec.promptTexts() != null
        || spec.explainerFewShot() != null
        || spec.simulatorFewShot() != null) {
      node.put("escapeTokens", spec.escapeTokens());
    }
    ObjectNode inputs = node.putObject("inputs");
    input(inputs, "promptTexts", spec, RunRecords.PROMPT_TEXTS_FILE, spec.promptTexts(), store);
    input(
        inputs,
        "explainerFewShot",
        spec,
        RunRecords.EXPLAINER_FEW_SHOT_FILE,
        spec.explainerFewShot(),
        store);
    input(
        inputs,
        "simulatorFewShot",
        spec,
        RunRecords.SIMULATOR_FEW_SHOT_FILE,
        spec.simulatorFewShot(),
        store);
    return node;
  }

  /** Whether {@code key} is one of a run's stored input files. */
  static boolean isInputKey(String key) {
    return INPUT_KEY.matcher(key).matches();
  }

  private static void input(
      ObjectNode inputs,
      String field,
      RunSpec spec,
      String file,
      RunInput recorded,
      BlobStore store) {
    ObjectNode node = inputs.putObject(field);
    node.put("recorded", recorded != null);
    if (recorded == null) {
      return;
    }
    node.put("name", recorded.name());
    node.put("sha256", recorded.sha256());
    // A bundled file may be recorded by name and hash alone: then there is nothing to link to.
    String key = RunRecords.inputKey(spec.runId(), file);
    if (store.exists(key)) {
      node.put("key", key);
    }
  }
}
