package org.neuronexplainer.cli.dataset;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.pipeline.StoreDirectory;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.FileErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate}: checks dataset files against the public format, optionally rewriting them. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Checks dataset files against the format of OpenAI's public GPT-2 datasets.",
      "Prints each file's type and neuron, or what is wrong with it (file, JSON path,",
      "problem), then a summary. Directories are searched for .json and .jsonl files.",
      "",
      "Where a path follows the public layout, it also fixes the type and the neuron:",
      "  collated-activations/L/N.json              NeuronRecord",
      "  explanations/L/N.jsonl                     NeuronSimulationResults",
      "  related-tokens/activation-based/L/N.json   TokenLookupTableSummaryOfNeuron",
      "  related-tokens/weight-based/L/N.json       WeightBasedSummaryOfNeuron",
      "  related-neurons/weight-based/L/N.json      RelatedNeurons",
      "(L = layer, N = neuron). Other files are typed by their dataclass_name marker,",
      "or else by their keys. JSON found in a directory that is plainly no dataset file",
      "(no dataclass_name and no dataset key, such as a tokenizer's vocab.json) is",
      "skipped with a line that says so; a file named as an argument must be one.",
      "",
      "Exit status: 0 when every file is valid, 1 when any is not."
    })
public final class ValidateCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Dataset files, or directories to search for dataset files.")
  List<Path> paths;

  @Option(
      names = "--rewrite",
      paramLabel = "DIR",
      description =
          "Also write each valid file into DIR in canonical form, as the Python original"
              + " writes it (compact, dataclass_name last, NaN as null), under its path"
              + " relative to the directory argument it was found in; a file argument goes to"
              + " DIR/NAME. DIR may be a directory argument, to canonicalize in place.")
  Path rewriteDir;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the files that fail, and the summary.")
  boolean quiet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (rewriteDir != null) {
      StoreDirectory.checkWritable(rewriteDir, "--rewrite");
    }
    List<DatasetPaths.Target> targets =
        DatasetPaths.expand(paths, DatasetPaths::isDatasetFile, ".json or .jsonl files");
    PrintWriter out = spec.commandLine().getOut();
    int invalid = 0;
    int skipped = 0;
    int rewritten = 0;
    for (DatasetPaths.Target target : targets) {
      DatasetFileCheck.Result result = DatasetFileCheck.check(target.file());
      if (!result.isDataset()) {
        // A file the user named is meant as a dataset file; one a walk found may be anything.
        if (target.named()) {
          result =
              DatasetFileCheck.Result.failed(
                  target.file() + ": not a dataset file (" + result.notDataset() + ")");
        } else {
          skipped++;
          if (!quiet) {
            out.println(result.line(target.file()));
          }
          continue;
        }
      }
      if (result.valid() && rewriteDir != null) {
        String failure = rewrite(target, result);
        if (failure != null) {
          result = DatasetFileCheck.Result.failed(failure);
        } else {
          rewritten++;
        }
      }
      if (!result.valid()) {
        invalid++;
      }
      if (!result.valid() || !quiet) {
        out.println(result.line(target.file()));
      }
    }
    out.println(summary(targets.size() - skipped, invalid, skipped, rewritten));
    out.flush();
    return invalid == 0 ? 0 : 1;
  }

  private String summary(int files, int invalid, int skipped, int rewritten) {
    String summary =
        files
            + (files == 1 ? " file: " : " files: ")
            + (files - invalid)
            + " valid, "
            + invalid
            + " invalid";
    if (skipped > 0) {
      summary += "; " + skipped + " other JSON " + (skipped == 1 ? "file" : "files") + " skipped";
    }
    return rewriteDir == null
        ? summary
        : summary + "; " + rewritten + " rewritten to " + rewriteDir;
  }

  /** Writes the canonical form; returns a failure message, or null when written. */
  private String rewrite(DatasetPaths.Target target, DatasetFileCheck.Result result) {
    Path destination = rewriteDir.resolve(target.relative().toString());
    try {
      Path parent = destination.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      DatasetJson.writeFile(destination, result.document().value());
      return null;
    } catch (IOException e) {
      return target.file()
          + ": valid, but cannot write "
          + destination
          + ": "
          + FileErrors.describe(e, destination);
    }
  }
}
