package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunRecords;

/**
 * A hand-written store for the neuron page's rounds: neuron 21:2932 with four explanations (two of
 * round 0, then two revisions) and their rounds file, the third best by detection and revision
 * stopped early; 9:388 with a rounds file that names other explanations than its explanations file;
 * 6:1017 with a rounds file of an unsupported version.
 */
final class RoundsFixture {

  static final NeuronId REVISED = new NeuronId(21, 2932);
  static final List<String> TEXTS =
      List.of(
          "mentions of Canada",
          "places in North America",
          "references to Canada and Canadian people, places and institutions",
          "Canadian places and institutions, not people");
  static final String STOPPED = "the last revision scored below the best";

  private RoundsFixture() {}

  static Path write(Path root) throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (String neuron : List.of("21/2932", "9/388", "6/1017")) {
      Path example = Path.of("..", "examples", "explanations", neuron + ".jsonl");
      Path target = root.resolve("explanations/" + neuron + ".jsonl");
      Files.createDirectories(target.getParent());
      if (!neuron.equals("21/2932")) {
        Files.copy(example, target);
        continue;
      }
      // The example's one scored explanation, four times under the rounds' texts.
      ObjectNode results = (ObjectNode) json.readTree(Files.readString(example).strip());
      ArrayNode scored = (ArrayNode) results.get("scored_explanations");
      ObjectNode first = (ObjectNode) scored.get(0);
      scored.removeAll();
      for (String text : TEXTS) {
        scored.add(first.deepCopy().put("explanation", text));
      }
      Files.writeString(target, json.writeValueAsString(results) + "\n", StandardCharsets.UTF_8);
    }
    ExplanationRounds rounds =
        ExplanationRounds.of(
            REVISED,
            "detection",
            List.of(
                round(0, TEXTS.get(0), null, 0.61, 0.6),
                round(0, TEXTS.get(1), null, 0.42, 0.55),
                round(1, TEXTS.get(2), 0, 0.71, 0.8),
                round(2, TEXTS.get(3), 2, 0.66, 0.7)),
            STOPPED);
    put(root, RunRecords.roundsKey(REVISED), ClassificationJson.toBytes(rounds));
    NeuronId other = new NeuronId(9, 388);
    put(
        root,
        RunRecords.roundsKey(other),
        ClassificationJson.toBytes(
            ExplanationRounds.of(
                other,
                "simulation",
                List.of(round(0, "not the shown one", null, 0.1, null)),
                null)));
    put(
        root,
        RunRecords.roundsKey(new NeuronId(6, 1017)),
        ("{\"version\": 99, \"layer_index\": 6, \"neuron_index\": 1017,"
                + " \"select_by\": \"simulation\", \"explanations\": [], \"best\": null,"
                + " \"stopped\": null}")
            .getBytes(StandardCharsets.UTF_8));
    return root;
  }

  private static RoundExplanation round(
      int round, String text, Integer revisedFrom, Double simulation, Double detection) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("simulation", simulation);
    scores.put("detection", detection);
    return new RoundExplanation(round, text, revisedFrom, scores);
  }

  private static void put(Path root, String key, byte[] bytes) throws IOException {
    Path file = root.resolve(key);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
