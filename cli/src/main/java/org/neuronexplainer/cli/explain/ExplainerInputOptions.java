package org.neuronexplainer.cli.explain;

import java.nio.file.Path;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.records.SliceParams;
import picocli.CommandLine.Option;

/** The options that say what an explainer is shown and how many explanations it is asked for. */
final class ExplainerInputOptions {

  @Option(
      names = "--record",
      required = true,
      paramLabel = "FILE",
      description = "The neuron's NeuronRecord (collated-activations) JSON file.")
  Path record;

  @Option(
      names = "--token-summary",
      paramLabel = "FILE",
      description = "The neuron's token lookup table, for the token-space explainer.")
  Path tokenSummary;

  @Option(
      names = "--samples",
      paramLabel = "N",
      defaultValue = "" + ExplainerSettings.DEFAULT_SAMPLES,
      description =
          "Explanations asked of a model explainer in one call (default ${DEFAULT-VALUE}).")
  int samples;

  /** The explainer's input read from the files; bad files are {@link UserException}s. */
  ExplainerInput read() {
    return new ExplainerInput(
        NeuronInputs.record(record), SliceParams.paper(), NeuronInputs.tokenSummary(tokenSummary));
  }

  /** The explainer settings for {@code model} with the checked sample count. */
  ExplainerSettings settings(String model, PromptFormat format) {
    if (samples < 1) {
      throw new UserException("--samples must be at least 1, got " + samples);
    }
    return ExplainerSettings.defaults(model, format).withSamples(samples);
  }
}
