package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.capture.run.Collator;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neuron-explainer collate}: merges a sharded capture's partials into records. */
@Command(
    name = "collate",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Merges the partials of a sharded capture into dataset files.",
      "It reads what every shard wrote (runs/{run}/partials/) and writes",
      "collated-activations/ and related-tokens/activation-based/: the same files, byte for",
      "byte, as one capture pass over the whole corpus. Refuses while a shard is missing."
    })
public final class CollateCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store.")
  Path store;

  @Option(names = "--run", required = true, paramLabel = "ID", description = "The run id.")
  String run;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Where to read the tokenizer (default: the model the run recorded).")
  String model;

  @Override
  public Integer call() {
    var blobs = new LocalDirectoryStore(store);
    int written;
    try {
      String modelDir = model != null ? model : Collator.spec(blobs, run).model();
      try (SubjectTokenizer tokenizer =
          CaptureErrors.asUserErrors(
              () -> SubjectTokenizer.load(ModelDirectory.require(modelDir)))) {
        written = Collator.collate(blobs, run, tokenizer);
      }
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("collated run %s: %d NeuronRecords and token tables in %s%n", run, written, store);
    out.flush();
    return 0;
  }
}
