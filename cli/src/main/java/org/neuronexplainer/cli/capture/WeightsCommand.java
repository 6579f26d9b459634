package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.capture.weights.WeightSummaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neuron-explainer weights}: the weight-based token summaries and related neurons. */
@Command(
    name = "weights",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Writes related tokens and neurons from the weights alone.",
      "Per neuron of the chosen layers (docs/method.md 11) it writes:",
      "  related-tokens/weight-based/{layer}/{neuron}.json   input and output token weights",
      "  related-neurons/weight-based/{layer}/{neuron}.json  upstream (c_fc) and downstream",
      "                                                      (c_proj) neuron connections",
      "each the top K most positive and most negative. No corpus is needed."
    })
public final class WeightsCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "A Hugging Face checkpoint directory, GPT-2, Llama, Mistral or Qwen 2 (default: the"
              + " smoke model).")
  String model;

  @Option(names = "--out", required = true, paramLabel = "STORE_DIR", description = "The store.")
  Path out;

  @Option(names = "--layers", defaultValue = "all", description = "all, 5, 0,2 or 3-7.")
  String layers;

  @Option(names = "--top", defaultValue = "20", description = "K per list (20).")
  int top;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N.")
  String device;

  @Override
  public Integer call() {
    if (top < 1) {
      throw new UserException("--top must be at least 1");
    }
    Path dir = model == null ? SmokeModel.ensure() : ModelDirectory.require(model);
    ComputeOptions compute;
    try {
      compute = new ComputeOptions(device, Precision.FLOAT32);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    try (SubjectTokenizer tokenizer = CaptureErrors.asUserErrors(() -> SubjectTokenizer.load(dir));
        SubjectModel gpt2 = CaptureErrors.asUserErrors(() -> SubjectModel.load(dir, compute))) {
      int[] selected = CaptureErrors.select(layers, "--layers", gpt2.config().layers(), "layer");
      int written =
          WeightSummaries.write(gpt2, tokenizer, selected, top, new LocalDirectoryStore(out));
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.printf(
          "wrote weight-based token summaries and related neurons of %d neurons to %s%n",
          written, out);
      stdout.flush();
    }
    return 0;
  }
}
