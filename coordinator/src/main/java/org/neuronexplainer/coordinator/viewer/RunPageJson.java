package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

/**
 * The run pages' JSON: a run as the API shows it, plus one progress row per stage. A neuron moves
 * through the working states in pipeline order, so for a stage the neurons in a later state (or
 * done) have passed it, those in its working state are in it, and those that failed there stopped
 * in it.
 */
final class RunPageJson {

  /** Pipeline order: each per-neuron stage with the state a neuron is in while it works there. */
  private static final List<Map.Entry<String, NeuronState>> STAGES =
      List.of(
          Map.entry("capture", NeuronState.CAPTURING),
          Map.entry("collate", NeuronState.COLLATING),
          Map.entry("explain", NeuronState.EXPLAINING),
          Map.entry("simulate", NeuronState.SIMULATING),
          Map.entry("score", NeuronState.SCORING));

  // The stage that always has a row: the one the per-neuron job is published on.
  private static final String JOB_STAGE = "explain";

  private static final ObjectMapper JSON =
      JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();

  private RunPageJson() {}

  static ObjectNode run(RunView view, boolean live) {
    ObjectNode node = JSON.createObjectNode();
    node.put("live", live);
    node.set("run", JSON.valueToTree(view));
    node.set("stages", view.progress() == null ? JSON.createArrayNode() : stages(view.progress()));
    return node;
  }

  static ObjectNode runs(List<RunView> views, boolean live) {
    ObjectNode node = JSON.createObjectNode();
    node.put("live", live);
    node.set("runs", JSON.valueToTree(views));
    return node;
  }

  static ObjectNode neurons(List<RunProgress.NeuronView> neurons, boolean live) {
    ObjectNode node = JSON.createObjectNode();
    node.put("live", live);
    node.set("neurons", JSON.valueToTree(neurons));
    return node;
  }

  /**
   * One row per stage that the run uses: {@code passed}, {@code working}, {@code failed} and {@code
   * waiting} neurons, which add up to the run's neurons. Capture, collate, simulate and score get a
   * row only once a neuron was seen there (a run from stored records skips capture; explain,
   * simulate and score of a neuron run as one job).
   */
  static ArrayNode stages(RunProgress.Summary summary) {
    ArrayNode rows = JSON.createArrayNode();
    Map<String, Integer> states = summary.states();
    int[] working = new int[STAGES.size()];
    int[] failed = new int[STAGES.size()];
    for (int i = 0; i < STAGES.size(); i++) {
      working[i] = states.getOrDefault(STAGES.get(i).getValue().id(), 0);
      failed[i] = failedAt(summary.stages(), STAGES.get(i).getKey());
    }
    int done = states.getOrDefault(NeuronState.DONE.id(), 0);
    for (int i = 0; i < STAGES.size(); i++) {
      String stage = STAGES.get(i).getKey();
      if (working[i] == 0 && failed[i] == 0 && !stage.equals(JOB_STAGE)) {
        continue;
      }
      int passed = done;
      int stoppedBefore = 0;
      for (int j = 0; j < STAGES.size(); j++) {
        if (j > i) {
          passed += working[j] + failed[j]; // got past this stage, wherever they are now
        } else if (j < i) {
          stoppedBefore += failed[j];
        }
      }
      ObjectNode row = rows.addObject();
      row.put("stage", stage);
      row.put("passed", passed);
      row.put("working", working[i]);
      row.put("failed", failed[i]);
      row.put(
          "waiting",
          Math.max(0, summary.neurons() - passed - working[i] - failed[i] - stoppedBefore));
    }
    return rows;
  }

  private static int failedAt(Map<String, Integer> byStage, String stage) {
    return byStage.getOrDefault(stage + ":" + NeuronState.FAILED.id(), 0);
  }
}
