package org.neuronexplainer.coordinator.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What planning needs of a sparse autoencoder: the layer of the hook it reads, its width and its
 * input width, from its SAELens {@code cfg.json} (the coordinator never loads weights).
 *
 * @param hook the hook's name, e.g. {@code blocks.8.hook_resid_pre}
 * @param layer the hook's layer
 * @param latents {@code d_sae}
 * @param inputWidth {@code d_in}
 */
public record SaeShape(String hook, int layer, int latents, int inputWidth) {

  private static final Pattern HOOK =
      Pattern.compile("blocks\\.(\\d+)\\.(hook_resid_pre|hook_resid_post|hook_mlp_out)");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the {@code cfg.json} of an SAE directory.
   *
   * @throws IllegalArgumentException naming the directory and what is missing or unsupported
   */
  public static SaeShape of(String directory) {
    Path dir = Path.of(directory);
    Path cfg = dir.resolve("cfg.json");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "capture.sae " + directory + ": no such directory here (an SAELens SAE directory)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(cfg));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "capture.sae: cannot read " + cfg + " (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("capture.sae: " + cfg + " is not a JSON object");
    }
    String hook = root.path("hook_name").asText(root.path("hook_point").asText(""));
    Matcher m = HOOK.matcher(hook);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "capture.sae: "
              + cfg
              + " reads hook '"
              + hook
              + "'; supported are blocks.L.hook_resid_pre, blocks.L.hook_resid_post and"
              + " blocks.L.hook_mlp_out");
    }
    int latents = root.path("d_sae").asInt(0);
    int inputWidth = root.path("d_in").asInt(0);
    if (latents < 1 || inputWidth < 1) {
      throw new IllegalArgumentException(
          "capture.sae: " + cfg + " needs positive d_in and d_sae integers");
    }
    return new SaeShape(hook, Integer.parseInt(m.group(1)), latents, inputWidth);
  }
}
