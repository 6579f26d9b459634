package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;

/**
 * The hyperparameters of a GPT-2 checkpoint, from Hugging Face's {@code config.json}.
 *
 * @param innerSize the MLP width, {@code n_inner}, or 4 * n_embd when that is null: the number of
 *     neurons per layer
 * @param scaleAttentionWeights divide attention scores by sqrt(head size) (true for every GPT-2)
 */
public record Gpt2Config(
    int layers,
    int embeddingSize,
    int heads,
    int innerSize,
    int vocabSize,
    int positions,
    double layerNormEpsilon,
    boolean scaleAttentionWeights)
    implements SubjectConfig {

  // Both names denote the tanh-approximated GELU of the original GPT-2 (docs/method.md section 10).
  private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh");

  public Gpt2Config {
    positive("n_layer", layers);
    positive("n_embd", embeddingSize);
    positive("n_head", heads);
    positive("n_inner", innerSize);
    positive("vocab_size", vocabSize);
    positive("n_positions", positions);
    if (embeddingSize % heads != 0) {
      throw new CheckpointException(
          "n_embd " + embeddingSize + " is not a multiple of n_head " + heads);
    }
    if (!(layerNormEpsilon > 0)) {
      throw new CheckpointException("layer_norm_epsilon must be positive: " + layerNormEpsilon);
    }
  }

  @Override
  public String architecture() {
    return "GPT2LMHeadModel";
  }

  @Override
  public int neurons() {
    return innerSize;
  }

  @Override
  public int hiddenSize() {
    return embeddingSize;
  }

  @Override
  public String neuronActivation() {
    return "gelu_new";
  }

  public int headSize() {
    return embeddingSize / heads;
  }

  /** Reads and checks {@code config.json}, rejecting settings this forward pass does not do. */
  public static Gpt2Config read(Path file) {
    JsonNode root = Checkpoints.readConfig(file);
    try {
      return parse(root);
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  static Gpt2Config parse(JsonNode root) {
    String modelType = root.path("model_type").asText("gpt2");
    if (!modelType.equals("gpt2")) {
      throw new CheckpointException(
          "model_type " + modelType + " is not supported; only GPT-2 (model_type gpt2) is");
    }
    String activation = root.path("activation_function").asText("gelu_new");
    if (!TANH_GELU.contains(activation)) {
      throw new CheckpointException(
          "activation_function "
              + activation
              + " is not supported; GPT-2 uses gelu_new (the tanh-approximated GELU)");
    }
    unsupportedIfTrue(root, "scale_attn_by_inverse_layer_idx");
    unsupportedIfTrue(root, "add_cross_attention");
    int embd = required(root, "n_embd");
    JsonNode inner = root.path("n_inner");
    return new Gpt2Config(
        required(root, "n_layer"),
        embd,
        required(root, "n_head"),
        inner.isNumber() ? inner.asInt() : 4 * embd,
        required(root, "vocab_size"),
        required(root, "n_positions"),
        root.path("layer_norm_epsilon").asDouble(1e-5),
        root.path("scale_attn_weights").asBoolean(true));
  }

  private static int required(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new CheckpointException("config field " + field + " is missing or not an integer");
    }
    return value.asInt();
  }

  private static void unsupportedIfTrue(JsonNode root, String field) {
    if (root.path(field).asBoolean(false)) {
      throw new CheckpointException(field + " = true is not supported by this GPT-2 forward pass");
    }
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new CheckpointException(field + " must be positive: " + value);
    }
  }
}
