package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.RandomCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code neuron-explainer create-model} (hidden): a GPT-2 checkpoint with fixed-seed random
 * weights, for benchmarks and tests, e.g. GPT-2 small's shape with {@code --layers 12 --width 768
 * --heads 12}. It uses the smoke model's 512-token tokenizer.
 */
@Command(
    name = "create-model",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Writes a random GPT-2 checkpoint (for benchmarks; its neurons mean nothing).")
public final class CreateModelCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(names = "--layers", defaultValue = "12")
  int layers;

  @Option(names = "--width", defaultValue = "768", description = "n_embd")
  int width;

  @Option(names = "--heads", defaultValue = "12")
  int heads;

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
    new RandomCheckpoint(layers, width, heads, SmokeModel.VOCAB_SIZE, positions, std, seed)
        .write(out, SmokeModel.home().resolve("examples/smoke-model"));
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("wrote a random GPT-2 (%d layers, n_embd %d) to %s%n", layers, width, out);
    stdout.flush();
    return 0;
  }
}
