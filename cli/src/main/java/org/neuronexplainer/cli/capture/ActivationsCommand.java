package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.ActivationBuffers;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neuron-explainer activations}: the raw MLP activations of pre-tokenized input. */
@Command(
    name = "activations",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Writes a model's MLP activations for given token ids.",
      "It runs the subject model on pre-tokenized input and writes the MLP neurons",
      "of the chosen layers to a safetensors file:",
      "  input_ids          int64   [sequences, tokens]",
      "  mlp_post_act.LAYER float32 [sequences, tokens, neurons]   GPT-2: its gelu_new output",
      "  mlp_neurons.LAYER  float32 [sequences, tokens, neurons]   Llama, Mistral, Qwen 2:",
      "                                                             silu(gate_proj) * up_proj",
      "  logits             float32 [sequences, tokens, vocab]     with --logits",
      "",
      "The file appears only when complete: it is written under a temporary name first.",
      "",
      "Example:",
      "  neuron-explainer activations --model gpt2 --tokens ids.json \\",
      "      --out acts.safetensors --layers 0-3 --logits",
      ""
    })
public final class ActivationsCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR|ID",
      description =
          "A Hugging Face checkpoint directory (GPT-2, Llama, Mistral or Qwen 2):"
              + " config.json and model.safetensors"
              + " (or sharded, with model.safetensors.index.json). Or a hub id (gpt2,"
              + " gpt2-xl, owner/name@revision) downloaded once into the local cache"
              + " (where: NEURON_EXPLAINER_CACHE).")
  String model;

  @Option(
      names = "--tokens",
      required = true,
      paramLabel = "FILE",
      description =
          "The input: a JSON array of token-id arrays (all the same length), or a safetensors"
              + " file with an input_ids tensor [sequences, tokens].")
  Path tokens;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.safetensors",
      description = "The file to write; an existing file is replaced.")
  Path out;

  @Option(
      names = "--layers",
      paramLabel = "L",
      defaultValue = "all",
      description = "Layers to write: all (default), one (5), a list (0,2) or a range (3-7).")
  String layers;

  @Option(names = "--logits", description = "Also write the logits.")
  boolean logits;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "8",
      description = "Sequences per forward pass (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "auto",
      description = "auto (a GPU when there is one), cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--precision",
      paramLabel = "P",
      defaultValue = "float32",
      description =
          "float32 or float16 (for GPUs) to compute in (default ${DEFAULT-VALUE}); the output is"
              + " float32 either way. bfloat16 is refused: DJL 0.36 cannot run it.")
  String precision;

  @Override
  public Integer call() {
    if (batch < 1) {
      throw new UserException("--batch must be at least 1");
    }
    ComputeOptions compute = computeOptions();
    // The input is checked first: a mistake there should not wait for a model download.
    int[][] ids = TokenInput.read(tokens);
    Path dir = ModelDirectory.require(model);
    try (SubjectModel subject = CaptureErrors.asUserErrors(() -> SubjectModel.load(dir, compute))) {
      SubjectConfig config = subject.config();
      int[] selected = CaptureErrors.select(layers, "--layers", config.layers(), "layer");
      checkInput(ids, config);
      write(subject, ids, selected);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.printf(
          "wrote %s: %d sequences x %d tokens, layers %s%s (%s)%n",
          out,
          ids.length,
          ids[0].length,
          Arrays.toString(selected),
          logits ? ", logits" : "",
          subject.describeCompute());
      stdout.flush();
    }
    return 0;
  }

  private ComputeOptions computeOptions() {
    try {
      return new ComputeOptions(device, Precision.parse(precision));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  /** Bad ids are reported before the output file is started. */
  private void checkInput(int[][] ids, SubjectConfig config) {
    if (ids[0].length > config.positions()) {
      throw new UserException(
          tokens
              + ": sequences of "
              + ids[0].length
              + " tokens are longer than the model's "
              + config.positions()
              + " positions");
    }
    for (int s = 0; s < ids.length; s++) {
      for (int t = 0; t < ids[s].length; t++) {
        if (ids[s][t] < 0 || ids[s][t] >= config.vocabSize()) {
          throw new UserException(
              String.format(
                  "%s: token id %d at sequence %d, position %d is outside the vocabulary (0..%d)",
                  tokens, ids[s][t], s, t, config.vocabSize() - 1));
        }
      }
    }
  }

  /**
   * The tensor name of a layer's neurons: GPT-2 keeps the name its files have always had, other
   * architectures name what they hold.
   */
  static String neuronsName(SubjectConfig config, int layer) {
    return (config.architecture().equals("GPT2LMHeadModel") ? "mlp_post_act." : "mlp_neurons.")
        + layer;
  }

  private void write(SubjectModel subject, int[][] ids, int[] selected) {
    SubjectConfig config = subject.config();
    long sequences = ids.length;
    long length = ids[0].length;
    List<TensorSpec> specs = new ArrayList<>();
    specs.add(new TensorSpec("input_ids", TensorDtype.I64, new long[] {sequences, length}));
    for (int layer : selected) {
      specs.add(TensorSpec.f32(neuronsName(config, layer), sequences, length, config.neurons()));
    }
    if (logits) {
      specs.add(TensorSpec.f32("logits", sequences, length, config.vocabSize()));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("model", model.toString());
    metadata.put("architecture", config.architecture());
    metadata.put("activation", config.neuronActivation());
    metadata.put("compute", subject.describeCompute());
    // Each batch is written out before the next runs, so its arrays can take the next one's.
    ActivationBuffers buffers = new ActivationBuffers();
    try (SafetensorsWriter writer = SafetensorsWriter.create(out, specs, metadata)) {
      for (int start = 0; start < ids.length; start += batch) {
        int[][] chunk = Arrays.copyOfRange(ids, start, Math.min(ids.length, start + batch));
        ForwardResult result = subject.forward(chunk, selected, logits, buffers);
        writer.writeLongs("input_ids", start * length, flatten(chunk));
        for (Map.Entry<Integer, FloatTensor> layer : result.mlpActivations().entrySet()) {
          long offset = start * length * config.neurons();
          writer.writeFloats(neuronsName(config, layer.getKey()), offset, layer.getValue().data());
        }
        if (logits) {
          long offset = start * length * config.vocabSize();
          writer.writeFloats("logits", offset, result.logits().orElseThrow().data());
        }
      }
      writer.commit();
    }
  }

  private static long[] flatten(int[][] ids) {
    return Arrays.stream(ids).flatMapToInt(Arrays::stream).asLongStream().toArray();
  }
}
