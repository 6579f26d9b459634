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

/**
 * The tensors of a checkpoint directory, in one {@code model.safetensors} or sharded with a {@code
 * model.safetensors.index.json}, looked up by GPT-2 name with or without the {@code transformer.}
 * prefix that {@code GPT2LMHeadModel} adds.
 */
final class CheckpointTensors implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "transformer.";

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> byName;

  private CheckpointTensors(List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
    this.files = files;
    this.byName = byName;
  }

  static CheckpointTensors open(Path directory) {
    Path single = directory.resolve("model.safetensors");
    Path index = directory.resolve("model.safetensors.index.json");
    List<Path> paths;
    if (Files.isRegularFile(single)) {
      paths = List.of(single);
    } else if (Files.isRegularFile(index)) {
      paths = shards(index);
    } else if (Files.isRegularFile(directory.resolve("pytorch_model.bin"))) {
      throw new CheckpointException(
          directory
              + " has only pytorch_model.bin; convert it to model.safetensors (for example with"
              + " transformers' save_pretrained(..., safe_serialization=True))");
    } else {
      throw new CheckpointException(
          directory + " has no model.safetensors or model.safetensors.index.json");
    }
    List<SafetensorsFile> files = new ArrayList<>();
    Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
    try {
      for (Path path : paths) {
        SafetensorsFile file = SafetensorsFile.open(path);
        files.add(file);
        for (String name : file.entries().keySet()) {
          String shortName = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
          if (byName.put(shortName, file) != null) {
            throw new CheckpointException("tensor " + name + " appears twice in " + directory);
          }
        }
      }
    } catch (SafetensorsException | CheckpointException e) {
      files.forEach(SafetensorsFile::close);
      throw e instanceof CheckpointException c ? c : new CheckpointException(e.getMessage(), e);
    }
    return new CheckpointTensors(files, byName);
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

  /** The entry of a tensor by its GPT-2 name without prefix, e.g. {@code h.0.ln_1.weight}. */
  Optional<TensorEntry> entry(String name) {
    SafetensorsFile file = byName.get(name);
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
    files.forEach(SafetensorsFile::close);
  }
}
