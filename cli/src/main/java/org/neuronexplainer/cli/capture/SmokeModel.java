package org.neuronexplainer.cli.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.RandomCheckpoint;

/**
 * The first-run smoke model (docs/architecture.md, "The first run on a fresh machine"): a 4-layer,
 * 64-wide GPT-2 with fixed-seed random weights, written on first use into the user's cache, with
 * the tokenizer shipped in {@code examples/smoke-model/}. Its neurons mean nothing; it exists so
 * that capture and the pipeline run with no download.
 */
public final class SmokeModel {
  /** The vocabulary of the shipped tokenizer, {@code examples/smoke-model}. */
  static final int VOCAB_SIZE = 512;

  static final RandomCheckpoint SHAPE =
      new RandomCheckpoint(
          /* layers= */ 4,
          /* embeddingSize= */ 64,
          /* heads= */ 4,
          VOCAB_SIZE,
          /* positions= */ 128,
          /* std= */ 0.2,
          /* seed= */ 20230509L);
  private static final String VERSION = "smoke-model-v1";

  private SmokeModel() {}

  /** The project's home (the launcher sets it), or the working directory. */
  static Path home() {
    String home = System.getProperty("neuron.explainer.home");
    return Path.of(home == null ? "." : home);
  }

  /** The smoke model's directory, created on first use. */
  public static Path ensure() {
    String cache =
        System.getProperty("neuron.explainer.cache", System.getenv("NEURON_EXPLAINER_CACHE"));
    Path root =
        cache != null
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "neuron-explainer");
    Path dir = root.resolve(VERSION);
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
      Path tokenizer = home().resolve("examples/smoke-model");
      if (!Files.isRegularFile(tokenizer.resolve("vocab.json"))) {
        throw new UserException("the smoke model's tokenizer is missing: " + tokenizer);
      }
      SHAPE.write(dir, tokenizer);
    }
    return dir;
  }

  /** The shipped corpus, {@code examples/corpus/*.txt}. */
  public static List<Path> corpus() {
    Path dir = home().resolve("examples/corpus");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    } catch (IOException e) {
      throw new UserException("the shipped corpus is missing: " + dir);
    }
  }
}
