package org.neuronexplainer.cli.pipeline;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

/** The closing summary of a run. */
final class Summary {

  private Summary() {}

  static void print(PrintStream out, RunView view, double seconds, Path store) {
    RunProgress.Summary s = view.progress();
    int done = s.states().getOrDefault("done", 0);
    int failed = s.states().getOrDefault("failed", 0);
    out.printf(
        Locale.ROOT,
        "run %s %s: %d neurons done, %d failed in %.1f s (%.0f neurons/s)%n",
        view.runId(),
        view.state(),
        done,
        failed,
        seconds,
        (done + failed) / Math.max(seconds, 1e-9));
    out.printf(
        Locale.ROOT,
        "mean score %s; LLM tokens %d prompt + %d completion, cost $%.4f%n",
        s.meanScore() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.meanScore()),
        s.promptTokens(),
        s.completionTokens(),
        s.costUsd());
    out.println(
        "results: " + store.toAbsolutePath().resolve("explanations") + "/{layer}/{neuron}.jsonl");
    out.println("run records: " + store.toAbsolutePath().resolve("runs").resolve(view.runId()));
  }
}
