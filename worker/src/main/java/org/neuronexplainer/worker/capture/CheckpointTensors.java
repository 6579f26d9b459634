package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsException;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;
import org.neuronexplainer.worker.capture.torchbin.TorchCheckpoint;
import org.neuronexplainer.worker.capture.torchbin.TorchCheckpointException;

/**
 * The tensors of a checkpoint directory, in one {@code model.safetensors}, sharded with a {@code
 * model.safetensors.index.json}, or in a {@code pytorch_model.bin} (safetensors first), looked up
 * by their Hugging Face names: a Llama-family model's as stored ({@code model.layers.0.mlp.up_proj
 * .weight}), a GPT-2's with or without the {@code transformer.} prefix that {@code GPT2LMHeadModel}
 * adds.
 */
final class CheckpointTensors implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "transformer.";

  /** One file of tensors. */
  private interface TensorFile {
    Map<String, TensorEntry> entries();

    ByteBuffer bytes(String name);

    void close();

    default Optional<TensorEntry> entry(String name) {
      return Optional.ofNullable(entries().get(name));
    }

    static TensorFile of(SafetensorsFile file) {
      return new TensorFile() {
        public Map<String, TensorEntry> entries() {
          return file.entries();
        }

        public ByteBuffer bytes(String name) {
          return file.bytes(name);
        }

        public void close() {
          file.close();
        }
      };
    }

    static TensorFile of(TorchCheckpoint file) {
      return new TensorFile() {
        public Map<String, TensorEntry> entries() {
          return file.entries();
        }

        public ByteBuffer bytes(String name) {
          try {
            return file.bytes(name);
          } catch (TorchCheckpointException e) {
            throw new CheckpointException(e.getMessage(), e);
          }
        }

        public void close() {
          file.close();
        }
      };
    }
  }

  private final List<TensorFile> files;
  private final Map<String, TensorFile> byName;

  private CheckpointTensors(List<TensorFile> files, Map<String, TensorFile> byName) {
    this.files = files;
    this.byName = byName;
  }

  static CheckpointTensors open(Path directory) {
    Path single = directory.resolve("model.safetensors");
    Path index = directory.resolve("model.safetensors.index.json");
    Path torchBin = directory.resolve("pytorch_model.bin");
    List<Path> paths;
    if (Files.isRegularFile(single)) {
      paths = List.of(single);
    } else if (Files.isRegularFile(index)) {
      paths = shards(index);
    } else if (Files.isRegularFile(torchBin)) {
      paths = List.of(torchBin);
    } else if (Files.isRegularFile(directory.resolve("pytorch_model.bin.index.json"))) {
      throw new CheckpointException(
          directory
              + " has a sharded pytorch_model.bin, which is not read; convert it to safetensors"
              + " (transformers' save_pretrained(..., safe_serialization=True))");
    } else {
      throw new CheckpointException(
          directory
              + " has no model.safetensors, model.safetensors.index.json or pytorch_model.bin");
    }
    List<TensorFile> files = new ArrayList<>();
    Map<String, TensorFile> byName = new LinkedHashMap<>();
    try {
      for (Path path : paths) {
        TensorFile file =
            path.equals(torchBin)
                ? TensorFile.of(TorchCheckpoint.open(path))
                : TensorFile.of(SafetensorsFile.open(path));
        files.add(file);
        for (String name : file.entries().keySet()) {
          String shortName = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
          if (byName.put(shortName, file) != null) {
            throw new CheckpointException("tensor " + name + " appears twice in " + directory);
          }
        }
      }
    } catch (SafetensorsException | TorchCheckpointException | CheckpointException e) {
      files.forEach(TensorFile::close);
      throw e instanceof CheckpointException c ? c : new CheckpointException(e.getMessage(), e);
    }
    return new CheckpointTensors(files, byName);
  }

  /**
   * The tensors of one safetensors file, looked up by their names as stored, e.g. an SAE's {@code
   * sae_weights.safetensors}.
   *
   * @throws CheckpointException naming the missing or unreadable file
   */
  static CheckpointTensors openFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("missing " + file);
    }
    try {
      TensorFile tensors = TensorFile.of(SafetensorsFile.open(file));
      Map<String, TensorFile> byName = new LinkedHashMap<>();
      tensors.entries().keySet().forEach(name -> byName.put(name, tensors));
      return new CheckpointTensors(List.of(tensors), byName);
    } catch (SafetensorsException e) {
      throw new CheckpointException(e.getMessage(), e);
    }
  }

  private static List<Path> shards(Path index) {
    JsonNode weightMap;
    try {
      weightMap = JSON.readTree(index.toFile()).path("weight_map");
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + index + ": " + e.getMessage(), e);
    }
    if (!weightMap.isObject() || weightMap.isEmpty()) {
      throw new CheckpointException(index + " has no weight_map");
    }
    TreeSet<String> names = new TreeSet<>();
    weightMap.fields().forEachRemaining(entry -> names.add(entry.getValue().asText()));
    List<Path> paths = new ArrayList<>();
    for (String name : names) {
      Path shard = index.resolveSibling(name).normalize();
      if (!shard.startsWith(index.getParent().normalize()) || !Files.isRegularFile(shard)) {
        throw new CheckpointException(index + " names shard " + name + ", which is missing");
      }
      paths.add(shard);
    }
    return paths;
  }

  /**
   * The entry of a tensor by its name, a GPT-2's without prefix ({@code h.0.ln_1.weight}), others
   * in full ({@code model.norm.weight}).
   */
  Optional<TensorEntry> entry(String name) {
    TensorFile file = byName.get(name);
    if (file == null) {
      return Optional.empty();
    }
    return file.entry(PREFIX + name).or(() -> file.entry(name));
  }

  ByteBuffer bytes(String name) {
    TensorEntry entry =
        entry(name).orElseThrow(() -> new CheckpointException("missing tensor " + name));
    return byName.get(name).bytes(entry.name());
  }

  @Override
  public void close() {
    files.forEach(TensorFile::close);
  }
}
