package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

/**
 * The run pages' JSON: a run as the API shows it, what produced its scores, and one progress row
 * per stage. A neuron moves through the working states in pipeline order, so for a stage the
 * neurons in a later state (or done) have passed it, those in its working state are in it, and
 * those that failed there stopped in it. The weights stage works on layers, not neurons: its row
 * counts a capture run's layers.
 */
final class RunPageJson {

  /** Pipeline order: each stage a neuron goes through, with its state while it is there. */
  private static final List<Map.Entry<Stage, NeuronState>> STAGES =
      List.of(
          Map.entry(Stage.CAPTURE, NeuronState.CAPTURING),
          Map.entry(Stage.COLLATE, NeuronState.COLLATING),
          Map.entry(Stage.EXPLAIN_AND_SCORE, NeuronState.EXPLAINING));

  private static final Pattern FAILURES_KEY =
      Pattern.compile("runs/[A-Za-z0-9][A-Za-z0-9._-]{0,99}/failures\\.jsonl");

  private static final ObjectMapper JSON =
      JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();

  private RunPageJson() {}

  /**
   * The run, its stages, the key of its failures file once the coordinator wrote one ({@code
   * failures}) and, when its spec is known, its method ({@link RunMethodJson}).
   */
  static ObjectNode run(RunView view, boolean live, BlobStore store) {
    ObjectNode node = JSON.createObjectNode();
    node.put("live", live);
    node.set("run", JSON.valueToTree(view));
    String failures = RunRecords.failuresKey(view.runId());
    if (store.exists(failures)) {
      node.put("failures", failures);
    }
    if (view.spec() != null) {
      node.set("method", RunMethodJson.method(view.spec(), store));
    }
    node.set("stages", view.progress() == null ? JSON.createArrayNode() : stages(view.progress()));
    return node;
  }

  /** Whether {@code key} is a run's failures file, which {@code /raw/} serves. */
  static boolean isFailuresKey(String key) {
    return FAILURES_KEY.matcher(key).matches();
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
    // Reasons as recorded may start with an exception's name; the page shows the reason alone.
    List<RunProgress.NeuronView> plain =
        neurons.stream()
            .map(
                n ->
                    n.reason() == null
                        ? n
                        : new RunProgress.NeuronView(
                            n.neuron(),
                            n.state(),
                            n.stage(),
                            n.attempt(),
                            PlainText.reason(n.reason()),
                            n.score()))
            .toList();
    node.set("neurons", JSON.valueToTree(plain));
    return node;
  }

  /**
   * One row per stage that the run uses: {@code passed}, {@code working}, {@code failed}, {@code
   * waiting} and {@code skipped} (dead latents, at explain-and-score), which add up to the row's
   * {@code total}. The neuron stages count the run's neurons; capture and collate get a row only
   * once a neuron was seen there (a run from stored records skips them), explain-and-score always
   * has one. The weights row, for a capture run, counts its layers ({@code passed} are those whose
   * weight-based files are written).
   */
  static ArrayNode stages(RunProgress.Summary summary) {
    ArrayNode rows = JSON.createArrayNode();
    Map<String, Integer> states = summary.states();
    int[] working = new int[STAGES.size()];
    int[] failed = new int[STAGES.size()];
    for (int i = 0; i < STAGES.size(); i++) {
      working[i] = states.getOrDefault(STAGES.get(i).getValue().id(), 0);
      failed[i] = count(summary.stages(), STAGES.get(i).getKey(), NeuronState.FAILED.id());
    }
    int done = states.getOrDefault(NeuronState.DONE.id(), 0);
    // Dead latents got past capture and collate, and are skipped, not explained.
    int skipped = states.getOrDefault(NeuronState.SKIPPED.id(), 0);
    for (int i = 0; i < STAGES.size(); i++) {
      Stage stage = STAGES.get(i).getKey();
      if (working[i] == 0 && failed[i] == 0 && stage != Stage.EXPLAIN_AND_SCORE) {
        continue;
      }
      boolean explain = stage == Stage.EXPLAIN_AND_SCORE;
      int passed = explain ? done : done + skipped;
      int stoppedBefore = 0;
      for (int j = 0; j < STAGES.size(); j++) {
        if (j > i) {
          passed += working[j] + failed[j]; // got past this stage, wherever they are now
        } else if (j < i) {
          stoppedBefore += failed[j];
        }
      }
      int skippedHere = explain ? skipped : 0;
      int waiting =
          Math.max(
              0, summary.neurons() - passed - working[i] - failed[i] - stoppedBefore - skippedHere);
      row(rows, stage, summary.neurons(), passed, working[i], failed[i], waiting)
          .put("skipped", skippedHere);
    }
    Map<String, Integer> units = summary.units();
    int layers = 0;
    for (String state : List.of("pending", "working", "succeeded", "failed")) {
      layers += count(units, Stage.WEIGHTS, state);
    }
    if (layers > 0) {
      row(
          rows,
          Stage.WEIGHTS,
          layers,
          count(units, Stage.WEIGHTS, "succeeded"),
          count(units, Stage.WEIGHTS, "working"),
          count(units, Stage.WEIGHTS, "failed"),
          count(units, Stage.WEIGHTS, "pending"));
    }
    return rows;
  }

  private static ObjectNode row(
      ArrayNode rows, Stage stage, int total, int passed, int working, int failed, int waiting) {
    ObjectNode row = rows.addObject();
    row.put("stage", stage.id());
    row.put("total", total);
    row.put("passed", passed);
    row.put("working", working);
    row.put("failed", failed);
    row.put("waiting", waiting);
    return row;
  }

  /** A count of {@code stage:state}, as the summary keys them. */
  private static int count(Map<String, Integer> byStage, Stage stage, String state) {
    return byStage.getOrDefault(stage.id() + ":" + state, 0);
  }
}
