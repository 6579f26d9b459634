package org.neuronexplainer.cli.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.worker.score.Rescoring;
import org.neuronexplainer.worker.score.ScoreSet;

/** How {@code rescore} prints its rows and summary: a table for people, or JSON lines. */
interface RescoreReport {

  /** The explanation score at or above which the paper counts a neuron as well explained. */
  double WELL_EXPLAINED = 0.8;

  void row(Row row);

  void summary(Summary summary);

  /** One explanation's stored and recomputed scores. */
  record Row(Path file, NeuronId neuron, String explanation, Rescoring scores) {}

  /**
   * Totals over every explanation read. Means skip undefined (NaN) scores; {@code scored} says how
   * many were defined.
   */
  record Summary(
      int files,
      int filesFailed,
      int explanations,
      int scored,
      double meanScore,
      double meanTopScore,
      double meanRandomScore,
      int wellExplained,
      int storedDisagreeing) {

    static Summary of(List<Row> rows, int files, int filesFailed) {
      double[] all = rows.stream().mapToDouble(r -> r.scores().all().evCorrelation()).toArray();
      return new Summary(
          files,
          filesFailed,
          rows.size(),
          (int) Arrays.stream(all).filter(v -> !Double.isNaN(v)).count(),
          meanOfDefined(all),
          meanOfDefined(rows.stream().mapToDouble(r -> r.scores().top().evCorrelation()).toArray()),
          meanOfDefined(
              rows.stream().mapToDouble(r -> r.scores().random().evCorrelation()).toArray()),
          (int) Arrays.stream(all).filter(v -> v >= WELL_EXPLAINED).count(),
          (int) rows.stream().filter(r -> !r.scores().storedAgrees()).count());
    }

    private static double meanOfDefined(double[] values) {
      return Arrays.stream(values).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }
  }

  /** Aligned columns of correlation scores, one line per explanation. */
  final class Table implements RescoreReport {
    private static final String FORMAT = "%-10s %7s %7s %7s %7s  %s%n";
    private final PrintWriter out;
    private boolean headerWritten;

    Table(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void row(Row row) {
      if (!headerWritten) {
        out.printf(Locale.ROOT, FORMAT, "neuron", "stored", "all", "top", "random", "explanation");
        headerWritten = true;
      }
      Rescoring scores = row.scores();
      String stored = score(scores.stored().evCorrelation()) + (scores.storedAgrees() ? "" : "!");
      out.printf(
          Locale.ROOT,
          FORMAT,
          row.neuron(),
          stored,
          score(scores.all().evCorrelation()),
          score(scores.top().evCorrelation()),
          score(scores.random().evCorrelation()),
          oneLine(row.explanation()));
    }

    @Override
    public void summary(Summary s) {
      out.printf(
          Locale.ROOT,
          "%n%d explanations in %d files: mean score %s (top %s, random %s) over %d with a"
              + " defined score; %d at or above %.1f%n",
          s.explanations(),
          s.files() - s.filesFailed(),
          score(s.meanScore()),
          score(s.meanTopScore()),
          score(s.meanRandomScore()),
          s.scored(),
          s.wellExplained(),
          WELL_EXPLAINED);
      if (s.storedDisagreeing() > 0) {
        out.printf(
            Locale.ROOT,
            "%d stored scores (marked !) differ from their recomputation%n",
            s.storedDisagreeing());
      }
      if (s.filesFailed() > 0) {
        out.printf(Locale.ROOT, "%d files could not be read (see above)%n", s.filesFailed());
      }
    }

    private static String score(double value) {
      return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    /** Explanations are untrusted text: keep each on its own line of the table. */
    private static String oneLine(String text) {
      return text.strip().replaceAll("\\s+", " ");
    }
  }

  /** One JSON object per line: a row per explanation, then {"summary": ...}. */
  final class Json implements RescoreReport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final PrintWriter out;

    Json(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void row(Row row) {
      ObjectNode node = MAPPER.createObjectNode();
      node.put("file", row.file().toString());
      node.put("layer", row.neuron().layerIndex());
      node.put("neuron", row.neuron().neuronIndex());
      node.put("explanation", row.explanation());
      node.set("stored", scores(row.scores().stored()));
      ObjectNode recomputed = node.putObject("recomputed");
      recomputed.set("all", scores(row.scores().all()));
      recomputed.set("top", scores(row.scores().top()));
      recomputed.set("random", scores(row.scores().random()));
      node.put("stored_agrees", row.scores().storedAgrees());
      out.println(node);
    }

    @Override
    public void summary(Summary s) {
      ObjectNode node = MAPPER.createObjectNode();
      ObjectNode summary = node.putObject("summary");
      summary.put("files", s.files());
      summary.put("files_failed", s.filesFailed());
      summary.put("explanations", s.explanations());
      summary.put("scored", s.scored());
      number(summary, "mean_score", s.meanScore());
      number(summary, "mean_top_score", s.meanTopScore());
      number(summary, "mean_random_score", s.meanRandomScore());
      summary.put("at_or_above_0_8", s.wellExplained());
      summary.put("stored_disagreeing", s.storedDisagreeing());
      out.println(node);
    }

    private static ObjectNode scores(ScoreSet scores) {
      ObjectNode node = MAPPER.createObjectNode();
      number(node, "ev_correlation_score", scores.evCorrelation());
      number(node, "rsquared_score", scores.rsquared());
      number(node, "absolute_dev_explained_score", scores.absoluteDevExplained());
      return node;
    }

    /** NaN is written as null, as the dataset files write it. */
    private static void number(ObjectNode node, String field, double value) {
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        node.putNull(field);
      } else {
        node.put(field, value);
      }
    }
  }
}
