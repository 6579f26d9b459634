package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which forward pass runs a checkpoint directory: read from its {@code config.json} ({@code
 * architectures}, else {@code model_type}), refused by name when none does.
 */
public final class Checkpoints {
  /** The architectures a forward pass exists for, as Hugging Face names them. */
  public static final List<String> ARCHITECTURES =
      List.of("GPT2LMHeadModel", "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoints() {}

  static SubjectModel load(Path directory, ComputeOptions options) {
    String architecture = architecture(directory);
    return switch (architecture) {
      case "GPT2LMHeadModel" -> Gpt2Model.load(directory, options);
      case "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM" ->
          LlamaModel.load(directory, options);
      default -> throw unsupported(directory, architecture);
    };
  }

  /**
   * Checks a checkpoint directory as loading it would, from its config and the tensor files'
   * headers alone (no weights read, no engine started): an unsupported architecture or setting, a
   * missing or mis-shaped tensor.
   *
   * @return the checkpoint's config
   * @throws CheckpointException naming the problem
   */
  public static SubjectConfig check(Path directory) {
    SubjectConfig config = config(directory);
    try (CheckpointTensors tensors = CheckpointTensors.open(directory)) {
      if (config instanceof Gpt2Config gpt2) {
        WeightShapes.check(gpt2, tensors, directory.toString());
      } else {
        WeightShapes.check((LlamaConfig) config, tensors, directory.toString());
      }
    }
    return config;
  }

  /**
   * A checkpoint's config, read and checked as loading it would (no tensors opened).
   *
   * @throws CheckpointException for a missing or unreadable config.json, an unsupported
   *     architecture or setting
   */
  public static SubjectConfig config(Path directory) {
    String architecture = architecture(directory);
    Path file = configFile(directory);
    return switch (architecture) {
      case "GPT2LMHeadModel" -> Gpt2Config.read(file);
      case "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM" -> LlamaConfig.read(file);
      default -> throw unsupported(directory, architecture);
    };
  }

  /**
   * The architecture a checkpoint declares: its {@code architectures} entry, or the one its {@code
   * model_type} implies; GPT-2 when it declares neither (as old GPT-2 configs do).
   *
   * @throws CheckpointException for a missing or unreadable config.json
   */
  public static String architecture(Path directory) {
    JsonNode root = readConfig(configFile(directory));
    JsonNode declared = root.path("architectures");
    if (declared.isArray() && !declared.isEmpty()) {
      String first = declared.get(0).asText();
      // GPT2Model (no head) holds the same weights as GPT2LMHeadModel.
      return first.equals("GPT2Model") ? "GPT2LMHeadModel" : first;
    }
    String type = root.path("model_type").asText("gpt2");
    return switch (type) {
      case "gpt2" -> "GPT2LMHeadModel";
      case "llama" -> "LlamaForCausalLM";
      case "mistral" -> "MistralForCausalLM";
      case "qwen2" -> "Qwen2ForCausalLM";
      default -> "model_type " + type;
    };
  }

  static CheckpointException unsupported(Path directory, String architecture) {
    return new CheckpointException(
        directory
            + ": "
            + architecture
            + " is not supported; the forward passes here run "
            + String.join(", ", ARCHITECTURES));
  }

  /** The directory's {@code config.json}, which must exist. */
  static Path configFile(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new CheckpointException(directory + " is not a directory");
    }
    Path configFile = directory.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new CheckpointException(directory + " has no config.json");
    }
    return configFile;
  }

  static JsonNode readConfig(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file + " is not a JSON object");
    }
    return root;
  }
}
