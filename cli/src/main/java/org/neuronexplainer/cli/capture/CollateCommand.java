package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.BlobStore;
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
      "byte, as one capture pass over the whole corpus. Refuses while a shard is missing.",
      "With --sae NAME it collates that SAE's run under saes/NAME/ and lists its dead",
      "latents (never active over the corpus, no record) in saes/NAME/subject.json."
    })
public final class CollateCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store.")
  Path store;

  @Option(names = "--run", required = true, paramLabel = "ID", description = "The run id.")
  String run;

  @Option(
      names = "--sae",
      paramLabel = "NAME",
      description = "Collate the run of the SAE named NAME (its folder saes/NAME/).")
  String sae;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Where to read the tokenizer (default: the model the run recorded).")
  String model;

  @Override
  public Integer call() {
    BlobStore blobs = new LocalDirectoryStore(store);
    int written;
    try {
      if (sae != null) {
        blobs = blobs.under(DatasetSubject.saeFolder(sae));
      }
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
    if (sae == null) {
      out.printf("collated run %s: %d NeuronRecords and token tables in %s%n", run, written, store);
    } else {
      int dead = Collator.subject(blobs).map(s -> s.deadLatents().size()).orElse(0);
      out.printf(
          "collated run %s of SAE %s: %d latent records and token tables in %s/saes/%s"
              + " (%d latents dead, never active, not written)%n",
          run, sae, written, store, sae, dead);
    }
    out.flush();
    return 0;
  }
}
