package org.neuronexplainer.cli.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationMetrics;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;

/**
 * {@code rescore} for classification files (docs/method.md 15.5): each explanation's metrics
 * derived again from the stored answers alone, beside the stored ones.
 */
final class ClassificationRescore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final boolean json;
  private int explanations;
  private int notReproduced;

  ClassificationRescore(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** A classification file: under a {@code classifications/} folder, ending in {@code .json}. */
  static boolean isClassificationFile(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(".json") || name.startsWith(".")) {
      return false;
    }
    for (Path part : file.toAbsolutePath().normalize()) {
      if (part.toString().equals("classifications")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Rescores one file.
   *
   * @throws IllegalArgumentException naming the file, when it is not a classification file
   */
  void rescore(Path file) {
    ClassificationResults results;
    try {
      results = ClassificationJson.read(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    for (ClassifiedExplanation stored : results.explanations()) {
      ClassificationMetrics again = stored.recompute().metrics();
      boolean same = again.equals(stored.metrics());
      explanations++;
      notReproduced += same ? 0 : 1;
      if (json) {
        ObjectNode row = JSON.createObjectNode();
        row.put("file", file.toString());
        row.put("layer", results.layerIndex());
        row.put("neuron", results.neuronIndex());
        row.put("scorer", results.scorer().wireName());
        row.put("explanation", stored.explanation());
        row.set("stored", JSON.valueToTree(stored.metrics()));
        row.set("recomputed", JSON.valueToTree(again));
        row.put("reproduced", same);
        out.println(row);
      } else {
        out.printf(
            Locale.ROOT,
            "%s  %d:%d %s %s  balanced accuracy %s, F1 %s, AUROC %s%s%n",
            file,
            results.layerIndex(),
            results.neuronIndex(),
            results.scorer().wireName(),
            JSON.valueToTree(stored.explanation()),
            value(again.balancedAccuracy()),
            value(again.f1()),
            value(again.auroc()),
            same ? "" : "  ! stored metrics differ: " + JSON.valueToTree(stored.metrics()));
      }
    }
  }

  /** One summary line (or object), when any classification file was read. */
  void summary() {
    if (explanations == 0) {
      return;
    }
    if (json) {
      out.println(
          JSON.createObjectNode()
              .put("classifiedExplanations", explanations)
              .put("notReproduced", notReproduced));
    } else {
      out.printf(
          Locale.ROOT,
          "classification: %d explanations, %d whose stored metrics the answers do not give%n",
          explanations,
          notReproduced);
    }
  }

  private static String value(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
