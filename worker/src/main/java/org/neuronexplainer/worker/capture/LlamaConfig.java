package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The hyperparameters of a Llama-family checkpoint ({@code LlamaForCausalLM}, {@code
 * MistralForCausalLM}, {@code Qwen2ForCausalLM}), from Hugging Face's {@code config.json}.
 *
 * @param kvHeads key/value heads; fewer than {@code heads} is grouped-query attention
 * @param qkvBias whether q_proj, k_proj and v_proj have biases (Qwen 2 always, Llama with {@code
 *     attention_bias})
 * @param outputBias whether o_proj has a bias (Llama with {@code attention_bias})
 * @param slidingWindow the keys a query sees, itself included (Mistral's {@code sliding_window}); 0
 *     when attention is only causal
 * @param llama3 the {@code llama3} RoPE scaling, when the checkpoint declares it
 */
public record LlamaConfig(
    String architecture,
    int layers,
    int hiddenSize,
    int intermediateSize,
    int heads,
    int kvHeads,
    int headDim,
    double rmsNormEps,
    int vocabSize,
    int positions,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    double ropeTheta,
    Optional<Llama3Scaling> llama3,
    int slidingWindow)
    implements SubjectConfig {

  /** The architectures that share this shape. */
  public static final List<String> ARCHITECTURES =
      List.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");

  /** Llama 3.1's RoPE scaling: low frequencies divided by {@code factor}, a smooth band between. */
  public record Llama3Scaling(
      double factor, double lowFreqFactor, double highFreqFactor, int originalPositions) {
    public Llama3Scaling {
      if (!(factor > 0) || !(highFreqFactor > lowFreqFactor) || originalPositions <= 0) {
        throw new CheckpointException(
            "llama3 rope scaling needs factor > 0, high_freq_factor > low_freq_factor and a"
                + " positive original_max_position_embeddings: factor "
                + factor
                + ", low_freq_factor "
                + lowFreqFactor
                + ", high_freq_factor "
                + highFreqFactor
                + ", original_max_position_embeddings "
                + originalPositions);
      }
    }
  }

  public LlamaConfig {
    positive("num_hidden_layers", layers);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_attention_heads", heads);
    positive("num_key_value_heads", kvHeads);
    positive("head_dim", headDim);
    positive("vocab_size", vocabSize);
    positive("max_position_embeddings", positions);
    if (heads % kvHeads != 0) {
      throw new CheckpointException(
          "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
    }
    if (headDim % 2 != 0) {
      throw new CheckpointException("head_dim " + headDim + " must be even for rotary embeddings");
    }
    if (!(rmsNormEps > 0)) {
      throw new CheckpointException("rms_norm_eps must be positive: " + rmsNormEps);
    }
    if (!(ropeTheta > 0)) {
      throw new CheckpointException("rope_theta must be positive: " + ropeTheta);
    }
    if (slidingWindow < 0) {
      throw new CheckpointException("sliding_window must be positive: " + slidingWindow);
    }
  }

  @Override
  public int neurons() {
    return intermediateSize;
  }

  @Override
  public String neuronActivation() {
    return "silu(gate_proj) * up_proj";
  }

  /** Reads and checks {@code config.json}, refusing by name what this forward pass does not do. */
  public static LlamaConfig read(Path file) {
    try {
      return parse(Checkpoints.readConfig(file));
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  static LlamaConfig parse(JsonNode root) {
    String architecture = architecture(root);
    String activation = root.path("hidden_act").asText("silu");
    if (!activation.equals("silu")) {
      throw new CheckpointException(
          "hidden_act " + activation + " is not supported; Llama-family MLPs here use silu");
    }
    double partialRotary = root.path("partial_rotary_factor").asDouble(1.0);
    if (partialRotary != 1.0) {
      throw new CheckpointException(
          "partial_rotary_factor "
              + partialRotary
              + " is not supported; rotary embeddings here cover the whole head"
              + " (partial_rotary_factor 1)");
    }
    boolean qwen2 = architecture.equals("Qwen2ForCausalLM");
    boolean llama = architecture.equals("LlamaForCausalLM");
    int hidden = required(root, "hidden_size");
    int heads = required(root, "num_attention_heads");
    JsonNode headDim = root.path("head_dim");
    JsonNode kvHeads = root.path("num_key_value_heads");
    boolean attentionBias = llama && root.path("attention_bias").asBoolean(false);
    return new LlamaConfig(
        architecture,
        required(root, "num_hidden_layers"),
        hidden,
        required(root, "intermediate_size"),
        heads,
        kvHeads.canConvertToInt() ? kvHeads.asInt() : heads,
        headDim.canConvertToInt() ? headDim.asInt() : hidden / heads,
        root.path("rms_norm_eps").asDouble(1e-6),
        required(root, "vocab_size"),
        required(root, "max_position_embeddings"),
        root.path("tie_word_embeddings").asBoolean(false),
        qwen2 || attentionBias,
        attentionBias,
        llama && root.path("mlp_bias").asBoolean(false),
        ropeTheta(root),
        llama3Scaling(root),
        slidingWindow(root, architecture));
  }

  private static String architecture(JsonNode root) {
    JsonNode declared = root.path("architectures");
    String architecture =
        declared.isArray() && !declared.isEmpty()
            ? declared.get(0).asText()
            : switch (root.path("model_type").asText("")) {
              case "llama" -> "LlamaForCausalLM";
              case "mistral" -> "MistralForCausalLM";
              case "qwen2" -> "Qwen2ForCausalLM";
              default -> "model_type " + root.path("model_type").asText("(none)");
            };
    if (!ARCHITECTURES.contains(architecture)) {
      throw new CheckpointException(
          architecture + " is not a Llama-family architecture (" + ARCHITECTURES + ")");
    }
    return architecture;
  }

  /** {@code rope_parameters.rope_theta} (transformers 5), else the older top-level field. */
  private static double ropeTheta(JsonNode root) {
    JsonNode nested = root.path("rope_parameters").path("rope_theta");
    return nested.isNumber() ? nested.asDouble() : root.path("rope_theta").asDouble(10000.0);
  }

  /** The RoPE parameters: {@code rope_parameters}, or the older {@code rope_scaling}. */
  private static JsonNode ropeParameters(JsonNode root) {
    JsonNode parameters = root.path("rope_parameters");
    return parameters.isObject() ? parameters : root.path("rope_scaling");
  }

  private static Optional<Llama3Scaling> llama3Scaling(JsonNode root) {
    JsonNode parameters = ropeParameters(root);
    if (!parameters.isObject()) {
      return Optional.empty();
    }
    String field = parameters.has("rope_type") ? "rope_type" : "type";
    String type = parameters.path(field).asText("default");
    return switch (type) {
      case "default" -> Optional.empty();
      case "llama3" ->
          Optional.of(
              new Llama3Scaling(
                  number(parameters, "factor"),
                  number(parameters, "low_freq_factor"),
                  number(parameters, "high_freq_factor"),
                  (int) number(parameters, "original_max_position_embeddings")));
      default ->
          throw new CheckpointException(
              "rope "
                  + field
                  + " "
                  + type
                  + " is not supported; rotary embeddings here are default or llama3");
    };
  }

  private static int slidingWindow(JsonNode root, String architecture) {
    JsonNode window = root.path("sliding_window");
    switch (architecture) {
      case "MistralForCausalLM" -> {
        return window.canConvertToInt() ? window.asInt() : 0;
      }
      case "Qwen2ForCausalLM" -> {
        // Qwen 2 keeps sliding_window in its config but uses it only when this is set.
        if (root.path("use_sliding_window").asBoolean(false)) {
          throw new CheckpointException(
              "use_sliding_window true is not supported for Qwen2ForCausalLM; only full causal"
                  + " attention (use_sliding_window false) is");
        }
        return 0;
      }
      default -> {
        return 0;
      }
    }
  }

  private static double number(JsonNode parameters, String field) {
    JsonNode value = parameters.get(field);
    if (value == null || !value.isNumber()) {
      throw new CheckpointException(
          "llama3 rope scaling needs " + field + ", which is missing or not a number");
    }
    return value.asDouble();
  }

  private static int required(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new CheckpointException("config field " + field + " is missing or not an integer");
    }
    return value.asInt();
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new CheckpointException(field + " must be positive: " + value);
    }
  }
}
