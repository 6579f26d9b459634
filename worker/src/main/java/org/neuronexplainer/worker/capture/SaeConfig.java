package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The settings of a sparse autoencoder, read from SAELens' {@code cfg.json}: what its encoder
 * computes and at which hook it reads the model.
 *
 * @param dIn the width it reads ({@code d_in}): the model's hidden size at the hooks it supports
 * @param dSae its latents ({@code d_sae})
 * @param hook where it reads the model ({@code hook_name})
 * @param architecture how the encoder turns pre-activations into latents
 * @param k latents kept per token by {@link Architecture#TOPK}; 0 for the others
 * @param applyBDecToInput whether {@code b_dec} is subtracted from the input before encoding
 * @param dtype the dtype the SAE was saved in, as the config says (informational)
 */
public record SaeConfig(
    int dIn,
    int dSae,
    Hook hook,
    Architecture architecture,
    int k,
    boolean applyBDecToInput,
    String dtype) {

  /** The file that holds the settings, beside {@code sae_weights.safetensors}. */
  public static final String FILE = "cfg.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The encoders read (SAELens' {@code architecture} names). */
  public enum Architecture {
    /** relu(pre). */
    STANDARD("standard"),
    /** relu(pre) where pre is above the latent's threshold, else 0. */
    JUMPRELU("jumprelu"),
    /** relu of the k largest pre-activations of a token, the others 0. */
    TOPK("topk");

    private final String label;

    Architecture(String label) {
      this.label = label;
    }

    /** The name SAELens gives it, e.g. {@code jumprelu}. */
    public String label() {
      return label;
    }
  }

  public SaeConfig {
    if (dIn < 1 || dSae < 1) {
      throw new IllegalArgumentException("d_in and d_sae must be positive");
    }
    if ((architecture == Architecture.TOPK) != (k > 0) || k > dSae) {
      throw new IllegalArgumentException(
          "k must be in 1..d_sae for topk and 0 otherwise: " + architecture + ", k=" + k);
    }
  }

  /**
   * Reads {@code cfg.json}. Older SAELens configs name the architecture {@code standard} and say
   * TopK through {@code activation_fn} ({@code activation_fn_str}) {@code topk} with {@code
   * activation_fn_kwargs.k}; newer ones put the hook under {@code metadata}.
   *
   * @throws CheckpointException naming the file and the missing, unsupported or malformed setting
   */
  public static SaeConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("missing " + file + " (an SAE directory in SAELens' layout)");
    }
    JsonNode cfg;
    try {
      cfg = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (cfg == null || !cfg.isObject()) {
      throw new CheckpointException(file + " is not a JSON object");
    }
    String normalization = text(cfg, "normalize_activations", "none");
    if (!normalization.equals("none")) {
      throw new CheckpointException(
          file
              + ": normalize_activations "
              + normalization
              + " is not supported (only none: the SAE must read the hook's raw activations)");
    }
    JsonNode head = cfg.path("hook_head_index");
    if (!head.isMissingNode() && !head.isNull()) {
      throw new CheckpointException(
          file + ": hook_head_index " + head + " is not supported (per-head SAEs are not read)");
    }
    String hookName =
        cfg.hasNonNull("hook_name")
            ? text(cfg, "hook_name", null)
            : cfg.path("metadata").path("hook_name").asText(null);
    if (hookName == null) {
      throw new CheckpointException(file + " has no hook_name");
    }
    Hook hook;
    try {
      hook = Hook.parse(hookName);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
    Architecture architecture = architecture(cfg, file);
    int k = 0;
    if (architecture == Architecture.TOPK) {
      JsonNode kNode = cfg.has("k") ? cfg.path("k") : cfg.path("activation_fn_kwargs").path("k");
      if (!kNode.canConvertToExactIntegral() || kNode.asInt() < 1) {
        throw new CheckpointException(
            file + ": a topk SAE needs a positive integer k (k or activation_fn_kwargs.k)");
      }
      k = kNode.asInt();
    }
    int dIn = positive(cfg, "d_in", file);
    int dSae = positive(cfg, "d_sae", file);
    if (k > dSae) {
      throw new CheckpointException(file + ": k " + k + " is more than d_sae " + dSae);
    }
    // SAELens' default: the decoder bias is subtracted from the input.
    boolean applyBDec = cfg.path("apply_b_dec_to_input").asBoolean(true);
    return new SaeConfig(
        dIn, dSae, hook, architecture, k, applyBDec, text(cfg, "dtype", "float32"));
  }

  private static Architecture architecture(JsonNode cfg, Path file) {
    String name = text(cfg, "architecture", "standard").toLowerCase(Locale.ROOT);
    String activation =
        text(cfg, "activation_fn", text(cfg, "activation_fn_str", "relu")).toLowerCase(Locale.ROOT);
    if (name.equals("standard") && activation.equals("topk")) {
      return Architecture.TOPK; // older configs: the TopK activation on a standard SAE
    }
    if (name.equals("standard") && !activation.equals("relu")) {
      throw new CheckpointException(
          file + ": activation_fn " + activation + " is not supported (relu or topk)");
    }
    for (Architecture a : Architecture.values()) {
      if (a.label.equals(name)) {
        return a;
      }
    }
    throw new CheckpointException(
        file + ": SAE architecture " + name + " is not supported (standard, jumprelu or topk)");
  }

  private static String text(JsonNode cfg, String field, String otherwise) {
    JsonNode node = cfg.path(field);
    return node.isMissingNode() || node.isNull() ? otherwise : node.asText();
  }

  private static int positive(JsonNode cfg, String field, Path file) {
    JsonNode node = cfg.path(field);
    if (!node.canConvertToExactIntegral()
        || node.asLong() < 1
        || node.asLong() > Integer.MAX_VALUE) {
      throw new CheckpointException(file + ": " + field + " must be a positive integer: " + node);
    }
    return node.asInt();
  }
}
