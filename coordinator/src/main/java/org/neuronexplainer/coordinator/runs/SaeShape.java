package org.neuronexplainer.coordinator.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.hub.HubConfigFiles;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.common.hub.HubSaeRef;

/**
 * What planning needs of a sparse autoencoder: the layer of the hook it reads, its width and its
 * input width, from its SAELens {@code cfg.json} (the coordinator never loads weights), read from
 * its directory or, for an SAE on the hub, from the hub.
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
  private static final String CFG = "cfg.json";

  /**
   * Reads the {@code cfg.json} of an SAE directory, or of an SAE on the hub ({@code
   * hf:owner/name/folder@revision}) from the hub the environment names.
   *
   * @throws IllegalArgumentException naming the SAE and what is missing or unsupported
   */
  public static SaeShape of(String location) {
    return of(location, PlanningHub::files);
  }

  /**
   * Reads the {@code cfg.json} of an SAE directory, or of an SAE on {@code hub}.
   *
   * @throws IllegalArgumentException naming the SAE and what is missing or unsupported; for a hub
   *     reference the endpoint too, and what to do
   */
  public static SaeShape of(String location, Supplier<HubConfigFiles> hub) {
    if (HubSaeRef.isRef(location)) {
      HubSaeRef ref;
      byte[] cfg;
      try {
        ref = HubSaeRef.parse(location);
        cfg = hub.get().read(ref.id(), ref.file(CFG));
      } catch (IllegalArgumentException | HubException e) {
        throw new IllegalArgumentException("capture.sae " + location + ": " + e.getMessage(), e);
      }
      return parse(cfg, CFG + " of " + ref + " on " + hub.get().config().endpoint());
    }
    Path dir = Path.of(location);
    Path cfg = dir.resolve(CFG);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "capture.sae "
              + location
              + ": no such directory here (an SAELens SAE directory, or an SAE on the hub as "
              + HubSaeRef.PREFIX
              + "owner/name/folder)");
    }
    try {
      return parse(Files.readAllBytes(cfg), cfg.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "capture.sae: cannot read " + cfg + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads an SAE's {@code cfg.json}.
   *
   * @param cfg where it came from, for messages
   */
  private static SaeShape parse(byte[] bytes, String cfg) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
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
