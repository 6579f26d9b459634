package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;

/**
 * Writes a Llama-family checkpoint in Hugging Face format with fixed-seed random weights, as {@link
 * RandomCheckpoint} does for GPT-2: for tests of the forward pass and for benchmarks. Same
 * arguments give the same bytes; its neurons mean nothing.
 *
 * @param kvHeads key/value heads; fewer than {@code heads} is grouped-query attention
 * @param dtype how the weights are stored: F32, F16 or BF16 (rounded to nearest)
 * @param shards weight files; more than one writes a {@code model.safetensors.index.json}
 */
public record RandomLlamaCheckpoint(
    Variant variant,
    int layers,
    int hiddenSize,
    int intermediateSize,
    int heads,
    int kvHeads,
    int vocabSize,
    int positions,
    double std,
    long seed,
    TensorDtype dtype,
    int shards) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TOKENIZER_FILES =
      List.of("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json");

  /** The shapes the Llama-family forward pass distinguishes. */
  public enum Variant {
    /** LlamaForCausalLM with its own lm_head. */
    LLAMA,
    /** LlamaForCausalLM with lm_head tied to embed_tokens. */
    LLAMA_TIED,
    /** LlamaForCausalLM with Llama 3.1's {@code llama3} RoPE scaling. */
    LLAMA3,
    /** MistralForCausalLM with a sliding window of an eighth of the positions (at least 2). */
    MISTRAL,
    /** Qwen2ForCausalLM: q/k/v biases, tied embeddings. */
    QWEN2;

    /**
     * Accepts {@code llama}, {@code llama-tied}, {@code llama3}, {@code mistral}, {@code qwen2}.
     */
    public static Variant parse(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown architecture " + text + " (gpt2, llama, llama-tied, llama3, mistral, qwen2)");
      }
    }
  }

  public RandomLlamaCheckpoint {
    if (dtype != TensorDtype.F32 && dtype != TensorDtype.F16 && dtype != TensorDtype.BF16) {
      throw new IllegalArgumentException("weights are stored as F32, F16 or BF16, not " + dtype);
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1: " + shards);
    }
  }

  /**
   * Writes {@code config.json} and the weights into {@code directory} and copies the tokenizer
   * files found in {@code tokenizer}, whose vocabulary must have {@link #vocabSize} tokens. Each
   * weights file appears only when complete.
   */
  public void write(Path directory, Path tokenizer) {
    try {
      Files.createDirectories(directory);
      for (String name : TOKENIZER_FILES) {
        if (Files.isRegularFile(tokenizer.resolve(name))) {
          Files.copy(
              tokenizer.resolve(name),
              directory.resolve(name),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve("config.json").toFile(), config());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + directory, e);
    }
    Map<String, long[]> shapes = WeightShapes.expected(asConfig());
    Random random = new Random(seed);
    List<String> names = new ArrayList<>(shapes.keySet());
    Map<String, String> weightMap = new LinkedHashMap<>();
    for (int shard = 0; shard < shards; shard++) {
      String file =
          shards == 1
              ? "model.safetensors"
              : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", shard + 1, shards);
      List<TensorSpec> specs = new ArrayList<>();
      // Contiguous runs of tensors per shard, as save_pretrained splits them.
      int from = shard * names.size() / shards;
      int to = (shard + 1) * names.size() / shards;
      for (String name : names.subList(from, to)) {
        specs.add(new TensorSpec(name, dtype, shapes.get(name)));
        weightMap.put(name, file);
      }
      try (SafetensorsWriter writer =
          SafetensorsWriter.create(directory.resolve(file), specs, Map.of("format", "pt"))) {
        for (TensorSpec spec : specs) {
          writer.writeBytes(spec.name(), 0, encode(values(spec, random)));
        }
        writer.commit();
      }
    }
    if (shards > 1) {
      writeIndex(directory, weightMap);
    }
  }

  LlamaConfig asConfig() {
    boolean qwen2 = variant == Variant.QWEN2;
    return new LlamaConfig(
        architecture(),
        layers,
        hiddenSize,
        intermediateSize,
        heads,
        kvHeads,
        hiddenSize / heads,
        1e-6,
        vocabSize,
        positions,
        variant == Variant.LLAMA_TIED || qwen2,
        qwen2,
        false,
        false,
        ropeTheta(),
        variant == Variant.LLAMA3
            ? Optional.of(new LlamaConfig.Llama3Scaling(8, 1, 4, originalPositions()))
            : Optional.empty(),
        variant == Variant.MISTRAL ? slidingWindow() : 0);
  }

  private String architecture() {
    return switch (variant) {
      case LLAMA, LLAMA_TIED, LLAMA3 -> "LlamaForCausalLM";
      case MISTRAL -> "MistralForCausalLM";
      case QWEN2 -> "Qwen2ForCausalLM";
    };
  }

  private double ropeTheta() {
    return variant == Variant.MISTRAL || variant == Variant.QWEN2 ? 1_000_000.0 : 10_000.0;
  }

  private int originalPositions() {
    return Math.max(2, positions / 2);
  }

  private int slidingWindow() {
    return Math.max(2, positions / 8);
  }

  private ObjectNode config() {
    LlamaConfig c = asConfig();
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add(c.architecture());
    root.put("model_type", variant == Variant.MISTRAL ? "mistral" : qwen2() ? "qwen2" : "llama");
    root.put("hidden_act", "silu");
    root.put("hidden_size", hiddenSize);
    root.put("intermediate_size", intermediateSize);
    root.put("num_hidden_layers", layers);
    root.put("num_attention_heads", heads);
    root.put("num_key_value_heads", kvHeads);
    root.put("rms_norm_eps", c.rmsNormEps());
    root.put("vocab_size", vocabSize);
    root.put("max_position_embeddings", positions);
    root.put("tie_word_embeddings", c.tieWordEmbeddings());
    root.put("initializer_range", std);
    root.put(
        "dtype",
        dtype == TensorDtype.F32 ? "float32" : dtype == TensorDtype.F16 ? "float16" : "bfloat16");
    if (variant == Variant.MISTRAL || qwen2()) {
      // Mistral and Qwen 2 configs spell RoPE the older way: rope_theta at the top level.
      root.put("rope_theta", c.ropeTheta());
      if (variant == Variant.MISTRAL) {
        root.put("sliding_window", c.slidingWindow());
      } else {
        root.put("use_sliding_window", false);
        root.put("sliding_window", positions);
      }
    } else {
      root.put("head_dim", c.headDim());
      root.put("attention_bias", false);
      root.put("mlp_bias", false);
      ObjectNode rope = root.putObject("rope_parameters");
      rope.put("rope_theta", c.ropeTheta());
      rope.put("rope_type", variant == Variant.LLAMA3 ? "llama3" : "default");
      c.llama3()
          .ifPresent(
              s -> {
                rope.put("factor", s.factor());
                rope.put("low_freq_factor", s.lowFreqFactor());
                rope.put("high_freq_factor", s.highFreqFactor());
                rope.put("original_max_position_embeddings", s.originalPositions());
              });
    }
    root.put("bos_token_id", 0);
    root.put("eos_token_id", 0);
    return root;
  }

  private boolean qwen2() {
    return variant == Variant.QWEN2;
  }

  private float[] values(TensorSpec spec, Random random) {
    float[] values = new float[Math.toIntExact(spec.elementCount())];
    boolean gain = spec.name().endsWith("norm.weight");
    // Biases as large as weights, so that a forward pass that dropped them would be seen.
    for (int i = 0; i < values.length; i++) {
      double noise = random.nextGaussian();
      values[i] = (float) (gain ? 1 + 0.1 * noise : std * noise);
    }
    return values;
  }

  private ByteBuffer encode(float[] values) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      switch (dtype) {
        case F32 -> bytes.putFloat(value);
        case F16 -> bytes.putShort(toFloat16(value));
        default -> bytes.putShort(toBfloat16(value));
      }
    }
    return bytes.flip();
  }

  private static void writeIndex(Path directory, Map<String, String> weightMap) {
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    weightMap.forEach(index.putObject("weight_map")::put);
    try {
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve("model.safetensors.index.json").toFile(), index);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the index in " + directory, e);
    }
  }

  /** Round to nearest even; finite values only, as random weights are. */
  static short toBfloat16(float value) {
    int bits = Float.floatToIntBits(value);
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** IEEE binary16, round to nearest even, subnormals kept, overflow clamped to the largest. */
  static short toFloat16(float value) {
    int bits = Float.floatToIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    float magnitude = Math.abs(value);
    if (magnitude < 0x1p-14f) {
      return (short) (sign | (int) Math.rint(magnitude * 0x1p24f));
    }
    int b = Float.floatToIntBits(magnitude);
    int half = ((((b >>> 23) & 0xff) - 127 + 15) << 10) | ((b >>> 13) & 0x3ff);
    int rest = b & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) (sign | Math.min(half, 0x7bff));
  }
}
