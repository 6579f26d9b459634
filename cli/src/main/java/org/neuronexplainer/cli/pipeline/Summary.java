package org.neuronexplainer.cli.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.neuronexplainer.common.run.PublishPolicy;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

/** The closing summary of a run, failed neurons included. */
final class Summary {

  /** Failed neurons listed in the summary; the rest are in the run's failures file. */
  static final int FAILURES_SHOWN = 5;

  /** A reason longer than this is cut in the summary (the failures file has it whole). */
  private static final int REASON_CHARS = 300;

  private Summary() {}

  /**
   * Prints the summary: counts, score, tokens and cost, where the run's own results and the store's
   * view are (and what the run did to the view), and the first {@link #FAILURES_SHOWN} of {@code
   * failures} (as the run's failures file has them) with where the rest are.
   */
  static void print(
      PrintStream out, RunView view, double seconds, Path store, List<RunFailure> failures) {
    RunProgress.Summary s = view.progress();
    int done = s.states().getOrDefault("done", 0);
    int failed = s.states().getOrDefault("failed", 0);
    int skipped = s.states().getOrDefault("skipped", 0);
    String unit = view.spec() != null && view.spec().sae() != null ? "latents" : "neurons";
    out.printf(
        Locale.ROOT,
        "run %s %s: %d %s done, %d failed%s in %.1f s (%.0f %s/s)%n",
        view.runId(),
        view.state(),
        done,
        unit,
        failed,
        skipped == 0 ? "" : ", " + skipped + " dead latents skipped (never active)",
        seconds,
        (done + failed) / Math.max(seconds, 1e-9),
        unit);
    out.printf(
        Locale.ROOT,
        "mean score %s; LLM tokens %d prompt (%d cached) + %d completion, cost $%.4f%n",
        s.meanScore() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.meanScore()),
        s.promptTokens(),
        s.cachedPromptTokens(),
        s.completionTokens(),
        s.costUsd());
    String byScorer = classificationMeans(s);
    if (!byScorer.isEmpty()) {
      out.println("mean balanced accuracy: " + byScorer);
    }
    if (view.status() != null && view.status().budgetUsd() != null) {
      out.printf(
          Locale.ROOT,
          "budget $%.4f%s%n",
          view.status().budgetUsd(),
          view.status().reason() == null ? "" : "; paused: " + view.status().reason());
    }
    Path root = store.toAbsolutePath();
    // An SAE run's view is in the SAE's folder; its run records stay at the root.
    Path dataset =
        view.spec() == null || view.spec().dataset().isEmpty()
            ? root
            : root.resolve(view.spec().dataset());
    out.println(
        "results: "
            + root.resolve(RunRecords.runExplanationsPrefix(view.runId()))
            + "/{layer}/{neuron}.jsonl");
    out.println(
        "view: "
            + dataset.resolve("explanations")
            + "/{layer}/{neuron}.jsonl, "
            + publishing(view.spec())
            + "; each file's run in "
            + dataset.resolve("explanation-sources"));
    out.println("run records: " + root.resolve("runs").resolve(view.runId()));
    printFailures(
        out, failures, store.toAbsolutePath().resolve(RunRecords.failuresKey(view.runId())));
  }

  /**
   * The run's mean score under each classification scorer, e.g. {@code detection 0.812, fuzzing -};
   * empty for a run without them.
   */
  static String classificationMeans(RunProgress.Summary s) {
    if (s.meanScores() == null) {
      return "";
    }
    StringJoiner means = new StringJoiner(", ");
    s.meanScores()
        .forEach(
            (scorer, mean) -> {
              if (!scorer.equals(RunSpec.SIMULATION)) {
                means.add(
                    scorer + " " + (mean == null ? "-" : String.format(Locale.ROOT, "%.3f", mean)));
              }
            });
    return means.toString();
  }

  /** What the run did to the view, by its publish policy. */
  private static String publishing(RunSpec spec) {
    PublishPolicy policy;
    try {
      policy = spec == null ? PublishPolicy.DEFAULT : spec.publishPolicy();
    } catch (IllegalArgumentException e) {
      return "publish policy unknown";
    }
    return switch (policy) {
      case LATEST -> "replaced by this run's results (--publish latest)";
      case BEST -> "replaced where this run scored higher (--publish best)";
      case NONE -> "left as it was (--publish none)";
    };
  }

  private static void printFailures(PrintStream out, List<RunFailure> failures, Path file) {
    if (failures.isEmpty()) {
      return;
    }
    out.println(
        failures.size() <= FAILURES_SHOWN
            ? "failed neurons (also in " + file + "):"
            : "failed neurons, the first "
                + FAILURES_SHOWN
                + " of "
                + failures.size()
                + " (all in "
                + file
                + "):");
    for (RunFailure f : failures.subList(0, Math.min(FAILURES_SHOWN, failures.size()))) {
      out.println(
          "  "
              + f.neuron()
              + " "
              + (f.stage() == null ? "-" : f.stage())
              + ", attempt "
              + f.attempts()
              + ": "
              + oneLine(f.reason()));
    }
  }

  /** The reason on one line, cut to {@link #REASON_CHARS}. */
  static String oneLine(String reason) {
    if (reason == null || reason.isBlank()) {
      return "(no reason given)";
    }
    String line = reason.strip().replaceAll("\\s*\\R\\s*", " | ");
    return line.length() <= REASON_CHARS ? line : line.substring(0, REASON_CHARS) + "...";
  }

  /** CPU per neuron: this JVM (coordinator and worker) and the broker, when known. */
  static void printCpu(PrintStream out, RunView view, long selfNanos, long brokerNanos) {
    int n = Math.max(1, view.progress().neurons());
    out.printf(
        Locale.ROOT,
        "CPU per neuron: %.2f ms coordinator + worker%s%n",
        selfNanos / 1e6 / n,
        brokerNanos < 0
            ? ""
            : String.format(Locale.ROOT, ", %.2f ms broker", brokerNanos / 1e6 / n));
  }

  /**
   * The summary of {@code run --json}: one JSON object, for scripts. Scores and costs are numbers
   * (the mean score null when no neuron has one; {@code meanScores}, the mean by scorer, only for a
   * run with classification scorers), paths absolute; {@code reason} (why a run paused) only when
   * there is one, {@code refinement} (best of k and revision rounds, as the spec keeps it) only
   * when the run asked for one.
   */
  static String json(
      String runId,
      String state,
      String reason,
      RunProgress.Summary s,
      double seconds,
      Path store,
      String dataset,
      Refinement refinement) {
    ObjectNode json = JSON.createObjectNode();
    json.put("runId", runId);
    json.put("state", state);
    if (reason != null) {
      json.put("reason", reason);
    }
    json.put("neurons", s.neurons());
    json.put("done", s.states().getOrDefault("done", 0));
    json.put("failed", s.states().getOrDefault("failed", 0));
    json.put("skipped", s.states().getOrDefault("skipped", 0));
    if (s.meanScore() == null || !Double.isFinite(s.meanScore())) {
      json.putNull("meanScore");
    } else {
      json.put("meanScore", s.meanScore());
    }
    if (s.meanScores() != null) {
      ObjectNode byScorer = json.putObject("meanScores");
      s.meanScores()
          .forEach(
              (scorer, mean) -> {
                if (mean == null || !Double.isFinite(mean)) {
                  byScorer.putNull(scorer);
                } else {
                  byScorer.put(scorer, mean);
                }
              });
    }
    json.put("promptTokens", s.promptTokens());
    json.put("cachedPromptTokens", s.cachedPromptTokens());
    json.put("completionTokens", s.completionTokens());
    json.put("costUsd", s.costUsd());
    json.put("seconds", Math.round(seconds * 1000) / 1000.0);
    json.put(
        "results",
        store.toAbsolutePath().resolve(RunRecords.runExplanationsPrefix(runId)).toString());
    json.put("view", store.toAbsolutePath().resolve(dataset).resolve("explanations").toString());
    json.put("runRecords", store.toAbsolutePath().resolve("runs").resolve(runId).toString());
    if (refinement != null) {
      json.set("refinement", JSON.valueToTree(refinement));
    }
    return json.toString();
  }

  private static final ObjectMapper JSON = new ObjectMapper();
}
