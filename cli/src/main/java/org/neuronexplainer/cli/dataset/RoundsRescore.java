package org.neuronexplainer.cli.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/**
 * {@code rescore} for rounds files ({@code rounds/{layer}/{neuron}.json}, docs/method.md 16.3):
 * each is rewritten with the scores recomputed from the results beside it ({@link
 * RoundsRescoring}), when they differ from the stored ones; a file that does not fit its results is
 * left as it is.
 */
final class RoundsRescore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROUNDS = "rounds";

  private final PrintWriter out;
  private final boolean json;
  private final int topCount;
  private int files;
  private int rewritten;
  private int newBest;

  RoundsRescore(PrintWriter out, boolean json, int topCount) {
    this.out = out;
    this.json = json;
    this.topCount = topCount;
  }

  /** A rounds file: {@code rounds/{layer}/{neuron}.json}, numbers for the layer and the neuron. */
  static boolean isRoundsFile(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path layer = absolute.getParent();
    Path rounds = layer == null ? null : layer.getParent();
    String name = absolute.getFileName().toString();
    return rounds != null
        && rounds.getFileName() != null
        && rounds.getFileName().toString().equals(ROUNDS)
        && layer.getFileName().toString().matches("\\d+")
        && name.matches("\\d+\\.json");
  }

  /**
   * Rescores one rounds file, rewriting it when its scores change.
   *
   * @throws IllegalArgumentException naming the file, when it or its results cannot be read or do
   *     not fit each other; nothing is written then
   */
  void rescore(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path root = absolute.getParent().getParent().getParent();
    NeuronId neuron = neuronOf(absolute);
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    RoundsRescoring.Outcome outcome =
        RoundsRescoring.rescore(store, neuron, topCount, key -> root.resolve(key).toString());
    if (outcome.changed()) {
      store.put(RunRecords.roundsKey(neuron), ClassificationJson.toBytes(outcome.rescored()));
      rewritten++;
    }
    files++;
    newBest += outcome.newBest() ? 1 : 0;
    report(file, neuron, outcome);
  }

  private static NeuronId neuronOf(Path file) {
    String name = file.getFileName().toString();
    try {
      return new NeuronId(
          Integer.parseInt(file.getParent().getFileName().toString()),
          Integer.parseInt(name.substring(0, name.length() - ".json".length())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          file + ": not a rounds file (rounds/{layer}/{neuron}.json): " + e.getMessage(), e);
    }
  }

  private void report(Path file, NeuronId neuron, RoundsRescoring.Outcome outcome) {
    ExplanationRounds rescored = outcome.rescored();
    if (json) {
      ObjectNode row = JSON.createObjectNode();
      row.put("file", file.toString());
      row.put("layer", neuron.layerIndex());
      row.put("neuron", neuron.neuronIndex());
      row.put("selectBy", rescored.selectBy());
      row.set("storedBest", JSON.valueToTree(outcome.stored().best()));
      row.set("best", JSON.valueToTree(rescored.best()));
      row.set("scores", JSON.valueToTree(rescored.scores()));
      row.put("rewritten", outcome.changed());
      row.set("kept", JSON.valueToTree(outcome.kept()));
      out.println(row);
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s  %s rounds  best by %s: %s%s%s%s%n",
        file,
        neuron,
        rescored.selectBy(),
        rescored.best() == null
            ? "none"
            : rescored.best() + " " + JSON.valueToTree(rescored.bestExplanation().explanation()),
        outcome.newBest() ? " (was " + outcome.stored().best() + ")" : "",
        outcome.changed() ? "  rewritten" : "  unchanged",
        outcome.kept().isEmpty()
            ? ""
            : "  (no results for " + String.join(", ", outcome.kept()) + ": kept as stored)");
  }

  /** One summary line (or object), when any rounds file was read. */
  void summary() {
    if (files == 0) {
      return;
    }
    if (json) {
      out.println(
          JSON.createObjectNode()
              .put("roundsFiles", files)
              .put("rewritten", rewritten)
              .put("newBest", newBest));
    } else {
      out.printf(
          Locale.ROOT,
          "rounds: %d files, %d rewritten with the recomputed scores, %d with another best%n",
          files,
          rewritten,
          newBest);
    }
  }
}
