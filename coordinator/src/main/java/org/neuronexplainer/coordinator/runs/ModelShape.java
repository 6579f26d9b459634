package org.neuronexplainer.coordinator.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.neuronexplainer.common.hub.HubConfigFiles;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.common.hub.HubId;

/**
 * The numbers of a subject model that planning needs: its layers, the MLP neurons per layer, and
 * the residual stream's width ({@code hidden}, which an SAE's input must have; 0 when unknown).
 * Read from the checkpoint's {@code config.json} (the coordinator never loads weights): GPT-2's
 * {@code n_layer} and {@code n_inner}, or a Llama-family model's {@code num_hidden_layers} and
 * {@code intermediate_size}. For a hub id, the file is read from the hub (never the weights), once
 * per process; the GPT-2 ids need no request: their published configs are built in.
 */
public record ModelShape(int layers, int neurons, int hidden) {

  /** A shape whose residual-stream width is not known (0). */
  public ModelShape(int layers, int neurons) {
    this(layers, neurons, 0);
  }

  // n_layer, 4 * n_embd and n_embd of the published GPT-2 configs.
  private static final Map<String, ModelShape> HUB =
      Map.of(
          "gpt2", new ModelShape(12, 3072, 768),
          "gpt2-medium", new ModelShape(24, 4096, 1024),
          "gpt2-large", new ModelShape(36, 5120, 1280),
          "gpt2-xl", new ModelShape(48, 6400, 1600),
          "distilgpt2", new ModelShape(6, 3072, 768));

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The shape of a checkpoint directory or hub id, a hub id's config read from the hub the
   * environment names ({@code HF_ENDPOINT}, {@code HF_TOKEN}).
   *
   * @throws IllegalArgumentException naming the model and the problem
   */
  public static ModelShape of(String model) {
    return of(model, PlanningHub::files);
  }

  /**
   * The shape of a checkpoint directory, or of a hub id: the GPT-2 ids from their published configs
   * (no request), any other from its {@code config.json} on {@code hub}.
   *
   * @throws IllegalArgumentException naming the model and the problem; for a hub id the endpoint
   *     too, and what to do (a token for a gated model, a directory, a mirror)
   */
  public static ModelShape of(String model, Supplier<HubConfigFiles> hub) {
    Path dir = Path.of(model);
    if (Files.isDirectory(dir)) {
      return read(dir.resolve("config.json"));
    }
    ModelShape known = gpt2(model);
    if (known != null) {
      return known;
    }
    Optional<HubId> id = HubId.parse(model);
    if (id.isEmpty()) {
      throw new IllegalArgumentException(
          "capture.model "
              + model
              + ": no such directory here, and not a hub id like meta-llama/Llama-3.2-1B or"
              + " owner/name@revision; give a checkpoint directory that the coordinator and the"
              + " capture workers can read, or a hub id");
    }
    byte[] config;
    try {
      config = hub.get().read(id.get(), "config.json");
    } catch (HubException e) {
      throw new IllegalArgumentException(
          "capture.model "
              + model
              + ": "
              + e.getMessage()
              + " (or give a checkpoint directory that the coordinator and the capture workers"
              + " can read)",
          e);
    }
    return parse(config, "config.json of " + id.get() + " on " + hub.get().config().endpoint());
  }

  /** A GPT-2 hub id's shape from the table, or null. */
  private static ModelShape gpt2(String model) {
    String id = model.toLowerCase(Locale.ROOT);
    int at = id.indexOf('@');
    id = at < 0 ? id : id.substring(0, at);
    for (String owner : new String[] {"openai-community/", "distilbert/"}) {
      id = id.startsWith(owner) ? id.substring(owner.length()) : id;
    }
    return HUB.get(id);
  }

  // The Llama-family architectures capture runs; their configs share these field names.
  private static final Map<String, String> LLAMA_FAMILY =
      Map.of(
          "LlamaForCausalLM", "llama",
          "MistralForCausalLM", "mistral",
          "Qwen2ForCausalLM", "qwen2");

  private static ModelShape read(Path config) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(config);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "capture.model: cannot read " + config + " (" + e.getMessage() + ")", e);
    }
    return parse(bytes, config.toString());
  }

  /**
   * Reads a model's {@code config.json}.
   *
   * @param config where it came from, for messages
   */
  private static ModelShape parse(byte[] bytes, String config) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "capture.model: cannot read " + config + " (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("capture.model: " + config + " is not a JSON object");
    }
    String architecture = architecture(root);
    int layers;
    int neurons;
    int hidden;
    if (architecture.equals("GPT2LMHeadModel")) {
      if (!root.path("n_layer").canConvertToInt() || !root.has("n_embd")) {
        throw new IllegalArgumentException(
            "capture.model: " + config + " has no n_layer and n_embd: not a GPT-2 config");
      }
      layers = root.path("n_layer").asInt();
      JsonNode inner = root.path("n_inner");
      neurons = inner.isNumber() ? inner.asInt() : 4 * root.path("n_embd").asInt();
      hidden = root.path("n_embd").asInt();
    } else if (LLAMA_FAMILY.containsKey(architecture)) {
      if (!root.path("num_hidden_layers").canConvertToInt()
          || !root.path("intermediate_size").canConvertToInt()) {
        throw new IllegalArgumentException(
            "capture.model: "
                + config
                + " has no num_hidden_layers and intermediate_size: not a "
                + architecture
                + " config");
      }
      layers = root.path("num_hidden_layers").asInt();
      neurons = root.path("intermediate_size").asInt();
      hidden = root.path("hidden_size").asInt(0);
    } else {
      throw new IllegalArgumentException(
          "capture.model: "
              + config
              + " declares "
              + architecture
              + ", which capture does not run (GPT2LMHeadModel, LlamaForCausalLM,"
              + " MistralForCausalLM, Qwen2ForCausalLM)");
    }
    if (layers < 1 || neurons < 1) {
      throw new IllegalArgumentException(
          "capture.model: " + config + " gives " + layers + " layers of " + neurons + " neurons");
    }
    return new ModelShape(layers, neurons, hidden);
  }

  /** As the capture worker reads it: architectures[0], else the model_type, else GPT-2. */
  private static String architecture(JsonNode root) {
    JsonNode declared = root.path("architectures");
    if (declared.isArray() && !declared.isEmpty()) {
      String first = declared.get(0).asText();
      return first.equals("GPT2Model") ? "GPT2LMHeadModel" : first;
    }
    String type = root.path("model_type").asText("gpt2");
    if (type.equals("gpt2")) {
      return "GPT2LMHeadModel";
    }
    return LLAMA_FAMILY.entrySet().stream()
        .filter(e -> e.getValue().equals(type))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse("model_type " + type);
  }
}
