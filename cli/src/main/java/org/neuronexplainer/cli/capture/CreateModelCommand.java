package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.RandomCheckpoint;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsException;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code neuron-explainer create-model} (hidden): a checkpoint with fixed-seed random weights, for
 * benchmarks and tests, e.g. GPT-2 small's shape with {@code --layers 12 --width 768 --heads 12},
 * or a Llama-family one with {@code --architecture llama --kv-heads 4}. It uses the smoke model's
 * 512-token tokenizer.
 */
@Command(
    name = "create-model",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Writes a random checkpoint (for benchmarks; its neurons mean nothing).")
public final class CreateModelCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(
      names = "--architecture",
      defaultValue = "gpt2",
      description = "gpt2, llama, llama-tied, llama3, mistral or qwen2 (default ${DEFAULT-VALUE}).")
  String architecture;

  @Option(names = "--layers", defaultValue = "12")
  int layers;

  @Option(names = "--width", defaultValue = "768", description = "n_embd or hidden_size")
  int width;

  @Option(names = "--heads", defaultValue = "12")
  int heads;

  @Option(
      names = "--kv-heads",
      description = "Llama family: key/value heads (default: --heads, no grouping).")
  Integer kvHeads;

  @Option(
      names = "--intermediate",
      description = "Llama family: intermediate_size, the neurons per layer (default 4 x width).")
  Integer intermediate;

  @Option(
      names = "--dtype",
      defaultValue = "F32",
      description = "Llama family: F32, F16 or BF16 weights (default ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--shards", defaultValue = "1", description = "Llama family: weight files.")
  int shards;

  @Option(names = "--positions", defaultValue = "1024")
  int positions;

  @Option(names = "--std", defaultValue = "0.02")
  double std;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Override
  public Integer call() {
    if (layers < 1 || width < 1 || heads < 1 || width % heads != 0 || positions < 1) {
      throw new UserException("need positive sizes with --width a multiple of --heads");
    }
    Path tokenizer = SmokeModel.home().resolve("examples/smoke-model");
    PrintWriter stdout = spec.commandLine().getOut();
    if (architecture.equalsIgnoreCase("gpt2")) {
      new RandomCheckpoint(layers, width, heads, SmokeModel.VOCAB_SIZE, positions, std, seed)
          .write(out, tokenizer);
      stdout.printf("wrote a random GPT-2 (%d layers, n_embd %d) to %s%n", layers, width, out);
    } else {
      RandomLlamaCheckpoint checkpoint = llama();
      checkpoint.write(out, tokenizer);
      stdout.printf(
          "wrote a random %s (%d layers, hidden_size %d, %s) to %s%n",
          checkpoint.variant(), layers, width, checkpoint.dtype(), out);
    }
    stdout.flush();
    return 0;
  }

  private RandomLlamaCheckpoint llama() {
    try {
      int kv = kvHeads == null ? heads : kvHeads;
      if (kv < 1 || heads % kv != 0) {
        throw new UserException("--heads must be a multiple of --kv-heads");
      }
      return new RandomLlamaCheckpoint(
          RandomLlamaCheckpoint.Variant.parse(architecture),
          layers,
          width,
          intermediate == null ? 4 * width : intermediate,
          heads,
          kv,
          SmokeModel.VOCAB_SIZE,
          positions,
          std,
          seed,
          TensorDtype.parse(dtype.toUpperCase(Locale.ROOT)),
          shards);
    } catch (IllegalArgumentException | SafetensorsException e) {
      throw new UserException(e.getMessage());
    }
  }
}
