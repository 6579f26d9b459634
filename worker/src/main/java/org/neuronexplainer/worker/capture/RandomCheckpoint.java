package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;

/**
 * Writes a GPT-2 checkpoint in Hugging Face format with fixed-seed random weights: the first-run
 * smoke model (docs/architecture.md, "The first run on a fresh machine") and the GPT-2-small-shaped
 * model of the capture benchmark. Same shape and seed give the same bytes. Its neurons mean
 * nothing. {@link RandomLlamaCheckpoint} does the same for the Llama family.
 *
 * @param std the standard deviation of the weight matrices; layer-norm gains are 1 + noise and
 *     biases are small noise, so that no part of the forward pass is trivially the identity
 */
public record RandomCheckpoint(
    int layers, int embeddingSize, int heads, int vocabSize, int positions, double std, long seed) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writes {@code config.json} and {@code model.safetensors} into {@code directory} and copies the
   * tokenizer files ({@code vocab.json}, {@code merges.txt}) from {@code tokenizer}, whose
   * vocabulary must have {@link #vocabSize} tokens. The weights file appears only when complete.
   */
  public void write(Path directory, Path tokenizer) {
    try {
      Files.createDirectories(directory);
      for (String name : List.of("vocab.json", "merges.txt")) {
        Files.copy(
            tokenizer.resolve(name), directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.write(directory.resolve("config.json"), config());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + directory, e);
    }
    Map<String, long[]> shapes = WeightShapes.expected(asConfig());
    List<TensorSpec> specs = new ArrayList<>();
    shapes.forEach((name, shape) -> specs.add(TensorSpec.f32(name, shape)));
    Random random = new Random(seed);
    try (SafetensorsWriter writer =
        SafetensorsWriter.create(
            directory.resolve("model.safetensors"), specs, Map.of("format", "pt"))) {
      for (TensorSpec spec : specs) {
        writer.writeFloats(spec.name(), 0, values(spec, random));
      }
      writer.commit();
    }
  }

  private float[] values(TensorSpec spec, Random random) {
    float[] values = new float[Math.toIntExact(spec.elementCount())];
    boolean gain = spec.name().contains("ln_") && spec.name().endsWith(".weight");
    boolean bias = spec.name().endsWith(".bias");
    for (int i = 0; i < values.length; i++) {
      double noise = random.nextGaussian();
      values[i] = (float) (gain ? 1 + 0.1 * noise : bias ? 0.1 * std * noise : std * noise);
    }
    return values;
  }

  Gpt2Config asConfig() {
    return new Gpt2Config(
        layers, embeddingSize, heads, 4 * embeddingSize, vocabSize, positions, 1e-5, true);
  }

  private byte[] config() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("model_type", "gpt2");
    root.putArray("architectures").add("GPT2LMHeadModel");
    root.put("activation_function", "gelu_new");
    root.put("n_layer", layers);
    root.put("n_embd", embeddingSize);
    root.put("n_head", heads);
    root.putNull("n_inner");
    root.put("vocab_size", vocabSize);
    root.put("n_positions", positions);
    root.put("layer_norm_epsilon", 1e-5);
    root.put("initializer_range", std);
    root.put("tie_word_embeddings", true);
    root.put("bos_token_id", 0);
    root.put("eos_token_id", 0);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }
}
