package org.neuronexplainer.cli.dataset;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.worker.score.Rescoring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rescore}: recomputes every score of stored explanation files, offline. */
@Command(
    name = "rescore",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Recomputes the scores stored in explanation files.",
      "It scores explanation files (NeuronSimulationResults) again from the",
      "true and simulated activations stored in them; no model or LLM is needed.",
      "",
      "For each explanation it prints the stored score and the recomputed ones: pooled",
      "over all sequences, over the top sequences only (the first --top-count) and over",
      "the random sequences only (the rest). A score is the correlation of the real and",
      "the simulated activations. `-` marks an undefined score (a constant simulation,",
      "say) and `!` a stored score that the recomputation does not reproduce. The",
      "summary counts the explanations, their mean score and how many score 0.8 or more.",
      "",
      "PATH is an explanation file (.jsonl) or a directory searched for them, such as",
      "the explanations/ folder of a dataset in the public layout.",
      "",
      "Classification files (classifications/{scorer}/{layer}/{neuron}.json, written by",
      "runs with --scorers detection or fuzzing) are rescored too: each explanation's",
      "balanced accuracy, F1 and AUROC derived again from the stored answers, with `!`",
      "where the stored metrics differ from them.",
      "",
      "Rounds files (rounds/{layer}/{neuron}.json, written by runs with --explanations,",
      "--revisions or --select-by) are rescored from the results beside them: each",
      "scorer's scores set again from the recomputed simulation scores and balanced",
      "accuracies, the best explanation picked again, and the file rewritten where that",
      "changes it. A rounds file whose explanations are not those of its results, in",
      "the same order, fails and is left as it is.",
      "",
      "Exit status: 0 when every file was read, 1 when any file could not be."
    })
public final class RescoreCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Explanation files, or directories to search for .jsonl files.")
  List<Path> paths;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per explanation (layer, neuron, explanation, stored,"
              + " recomputed.all/top/random with all three scores), then one summary object.")
  boolean json;

  @Option(
      names = "--top-count",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "How many leading sequences of each simulation are top-activating ones (default:"
              + " ${DEFAULT-VALUE}, as in the public files: 5 top then 5 random).")
  int topCount;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (topCount < 0) {
      throw new UserException("--top-count must not be negative, got " + topCount);
    }
    List<DatasetPaths.Target> targets =
        DatasetPaths.expand(
            paths,
            f ->
                DatasetPaths.isExplanationFile(f)
                    || RoundsRescore.isRoundsFile(f)
                    || ClassificationRescore.isClassificationFile(f),
            "explanation (.jsonl), classification (classifications/.../*.json) or rounds"
                + " (rounds/.../*.json) files");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RescoreReport report = json ? new RescoreReport.Json(out) : new RescoreReport.Table(out);
    List<RescoreReport.Row> rows = new ArrayList<>();
    ClassificationRescore classifications = new ClassificationRescore(out, json);
    RoundsRescore rounds = new RoundsRescore(out, json, topCount);
    int failed = 0;
    for (DatasetPaths.Target target : targets) {
      if (RoundsRescore.isRoundsFile(target.file())) {
        try {
          rounds.rescore(target.file());
        } catch (IllegalArgumentException | UncheckedIOException e) {
          failed++;
          err.println("FAIL  " + e.getMessage());
          err.flush();
        }
        continue;
      }
      if (ClassificationRescore.isClassificationFile(target.file())) {
        try {
          classifications.rescore(target.file());
        } catch (IllegalArgumentException | UncheckedIOException e) {
          failed++;
          err.println("FAIL  " + e.getMessage());
          err.flush();
        }
        continue;
      }
      DatasetFileCheck.Result result = DatasetFileCheck.check(target.file());
      if (!result.valid()) {
        failed++;
        err.println(
            "FAIL  "
                + (result.isDataset()
                    ? result.error()
                    : target.file() + ": not an explanation file (" + result.notDataset() + ")"));
        err.flush();
        continue;
      }
      if (!(result.document().value() instanceof NeuronSimulationResults results)) {
        failed++;
        err.println(
            "FAIL  "
                + target.file()
                + ": a "
                + result.document().type().displayName()
                + " file, not an explanation file (NeuronSimulationResults)");
        err.flush();
        continue;
      }
      for (ScoredExplanation explanation : results.scoredExplanations()) {
        RescoreReport.Row row =
            new RescoreReport.Row(
                target.file(),
                results.neuronId(),
                explanation.explanation(),
                Rescoring.of(explanation.scoredSimulation(), topCount));
        rows.add(row);
        report.row(row);
      }
    }
    classifications.summary();
    rounds.summary();
    report.summary(RescoreReport.Summary.of(rows, targets.size(), failed));
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
