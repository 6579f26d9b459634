package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.coordinator.progress.RunProgress;

/**
 * A selection of neurons written as CSV or JSON Lines, one row per explanation (or per neuron where
 * it has none): layer, neuron, the explanation's rank, text and simulation score, the detection and
 * fuzzing balanced accuracies where those scorers' files hold the explanation, the neuron's density
 * and, for a token search, its activation on the token. Rows are written as they are made, so a
 * whole store never sits in memory.
 */
final class NeuronExport {

  /** The columns, in order; also the JSON Lines fields. */
  static final List<String> COLUMNS =
      List.of(
          "layer",
          "neuron",
          "rank",
          "explanation",
          "score",
          "detection_balanced_accuracy",
          "fuzzing_balanced_accuracy",
          "density",
          "activation");

  private static final Pattern RUN_UNIT = Pattern.compile("(\\d+)\\D+(\\d+)");

  /** Where rows go: the HTTP response, written in pieces. */
  interface Sink {
    void write(String text);
  }

  enum Format {
    CSV("text/csv; charset=utf-8", "csv"),
    JSONL("application/x-ndjson; charset=utf-8", "jsonl");

    final String contentType;
    final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }

    static Format parse(String name) {
      String given = name == null || name.isBlank() ? "csv" : name.strip().toLowerCase(Locale.ROOT);
      return switch (given) {
        case "csv" -> CSV;
        case "jsonl", "ndjson" -> JSONL;
        default -> throw new IllegalArgumentException("format must be csv or jsonl, got " + name);
      };
    }
  }

  private final ViewerService viewer;
  private final Format format;
  private final Sink sink;
  private final ObjectMapper json = new ObjectMapper();
  private String runId;
  private NeuronId scoresOf;
  private ClassificationResults detection;
  private ClassificationResults fuzzing;

  NeuronExport(ViewerService viewer, Format format, Sink sink) {
    this.viewer = viewer;
    this.format = format;
    this.sink = sink;
  }

  /** Reads the scorers' files of run {@code runId}'s own results rather than the store's view. */
  void fromRun(String runId) {
    this.runId = runId;
  }

  void header() {
    if (format == Format.CSV) {
      sink.write(String.join(",", COLUMNS) + "\r\n");
    }
  }

  /** One explanation's row. */
  void row(ExplanationEntry entry, NeuronActivity activity, double activation) {
    row(entry.neuron(), entry.rank(), entry.explanation(), entry.score(), activity, activation);
  }

  /** One row; {@code explanation} null where the neuron has none, NaN for unknown numbers. */
  void row(
      NeuronId id,
      int rank,
      String explanation,
      double score,
      NeuronActivity activity,
      double activation) {
    Double detectionScore = explanation == null ? null : balanced(id, explanation, true);
    Double fuzzingScore = explanation == null ? null : balanced(id, explanation, false);
    Object[] values = {
      id.layerIndex(),
      id.neuronIndex(),
      explanation == null ? null : rank,
      explanation,
      finite(score),
      detectionScore,
      fuzzingScore,
      activity == null ? null : finite(activity.density()),
      finite(activation)
    };
    if (format == Format.CSV) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          line.append(',');
        }
        line.append(csv(values[i]));
      }
      sink.write(line.append("\r\n").toString());
    } else {
      ObjectNode node = json.createObjectNode();
      for (int i = 0; i < values.length; i++) {
        node.set(COLUMNS.get(i), json.valueToTree(values[i]));
      }
      try {
        sink.write(json.writeValueAsString(node) + "\n");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The neuron named by a run's unit ("21:2932", "21/2932"), if it names one. */
  static Optional<NeuronId> runNeuron(RunProgress.NeuronView view) {
    Matcher m = RUN_UNIT.matcher(view.neuron());
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new NeuronId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A field as RFC 4180 writes it: quoted where it holds a comma, quote or line break. */
  static String csv(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    if (text.indexOf(',') < 0
        && text.indexOf('"') < 0
        && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  private static Double finite(double value) {
    return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
  }

  /** The scorer's balanced accuracy of {@code explanation}; null without a file or an entry. */
  private Double balanced(NeuronId id, String explanation, boolean ofDetection) {
    if (!id.equals(scoresOf)) {
      // Rows of one neuron come together: its two files are read once.
      scoresOf = id;
      detection = classifications(NeuronFile.DETECTION, "detection", id);
      fuzzing = classifications(NeuronFile.FUZZING, "fuzzing", id);
    }
    ClassificationResults results = ofDetection ? detection : fuzzing;
    if (results == null) {
      return null;
    }
    for (ClassifiedExplanation scored : results.explanations()) {
      if (scored.explanation().equals(explanation)) {
        return scored.metrics().balancedAccuracy();
      }
    }
    return null;
  }

  private ClassificationResults classifications(NeuronFile file, String scorer, NeuronId id) {
    String key = runId == null ? file.key(id) : RunRecords.runClassificationKey(runId, scorer, id);
    try {
      Optional<byte[]> bytes = viewer.store().get(key);
      return bytes.isEmpty() ? null : (ClassificationResults) file.read(bytes.get(), key);
    } catch (UncheckedIOException | IllegalArgumentException | DatasetFormatException e) {
      return null; // an unreadable scorer's file leaves its column empty, as a missing one does
    }
  }
}
