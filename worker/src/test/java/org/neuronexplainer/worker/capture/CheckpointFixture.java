package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;

/** Variants of the reference checkpoint, rewritten into a temporary directory. */
public final class CheckpointFixture {
  private CheckpointFixture() {}

  /** Copies the reference's config and tokenizer files into {@code dir}. */
  static void copyConfig(Path dir) throws IOException {
    for (String name : List.of("config.json", "vocab.json", "merges.txt")) {
      Files.copy(Fixtures.hfGpt2Reference().resolve(name), dir.resolve(name));
    }
  }

  /**
   * Rewrites the reference weights into {@code shards} files (with an index when more than one),
   * renaming each tensor with {@code rename}; a tensor renamed to null is left out.
   */
  public static void writeWeights(Path dir, int shards, UnaryOperator<String> rename) {
    writeWeights(dir, shards, rename, Map.of());
  }

  /** As above, with some tensors' shapes replaced by {@code reshaped} (their values truncated). */
  static void writeWeights(
      Path dir, int shards, UnaryOperator<String> rename, Map<String, long[]> reshaped) {
    try (SafetensorsFile source =
        SafetensorsFile.open(Fixtures.hfGpt2Reference().resolve("model.safetensors"))) {
      List<TensorEntry> entries = new ArrayList<>(source.entries().values());
      Map<String, String> weightMap = new LinkedHashMap<>();
      for (int shard = 0; shard < shards; shard++) {
        String file =
            shards == 1
                ? "model.safetensors"
                : String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
        List<TensorEntry> part = new ArrayList<>();
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = shard; i < entries.size(); i += shards) {
          TensorEntry entry = entries.get(i);
          String name = rename.apply(entry.name());
          if (name != null) {
            part.add(entry);
            specs.add(TensorSpec.f32(name, reshaped.getOrDefault(entry.name(), entry.shape())));
            weightMap.put(name, file);
          }
        }
        try (SafetensorsWriter writer =
            SafetensorsWriter.create(dir.resolve(file), specs, Map.of("format", "pt"))) {
          for (int i = 0; i < part.size(); i++) {
            float[] values = source.floats(part.get(i).name());
            int count = Math.toIntExact(specs.get(i).elementCount());
            writer.writeFloats(specs.get(i).name(), 0, Arrays.copyOf(values, count));
          }
          writer.commit();
        }
      }
      if (shards > 1) {
        var json = new ObjectMapper();
        var index = json.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        weightMap.forEach(index.putObject("weight_map")::put);
        json.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reference weights stored as F16 or BF16 (mantissas truncated, tiny values flushed). */
  static void writeWeightsAs(Path dir, TensorDtype dtype) {
    try (SafetensorsFile source =
        SafetensorsFile.open(Fixtures.hfGpt2Reference().resolve("model.safetensors"))) {
      List<TensorSpec> specs = new ArrayList<>();
      source.entries().values().forEach(e -> specs.add(new TensorSpec(e.name(), dtype, e.shape())));
      try (SafetensorsWriter writer =
          SafetensorsWriter.create(dir.resolve("model.safetensors"), specs, Map.of())) {
        for (TensorSpec spec : specs) {
          float[] values = source.floats(spec.name());
          ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
          for (float value : values) {
            bytes.putShort(dtype == TensorDtype.BF16 ? bfloat16(value) : half(value));
          }
          writer.writeBytes(spec.name(), 0, bytes.flip());
        }
        writer.commit();
      }
    }
  }

  /** Rewrites {@code from}'s weights as F32 into {@code dir}, widening them exactly. */
  static void writeWidened(Path from, Path dir) {
    try (SafetensorsFile source = SafetensorsFile.open(from.resolve("model.safetensors"))) {
      List<TensorSpec> specs = new ArrayList<>();
      source.entries().values().forEach(e -> specs.add(TensorSpec.f32(e.name(), e.shape())));
      try (SafetensorsWriter writer =
          SafetensorsWriter.create(dir.resolve("model.safetensors"), specs, Map.of())) {
        for (TensorSpec spec : specs) {
          writer.writeFloats(spec.name(), 0, source.floats(spec.name()));
        }
        writer.commit();
      }
    }
  }

  private static short bfloat16(float value) {
    return (short) (Float.floatToIntBits(value) >>> 16);
  }

  private static short half(float value) {
    int bits = Float.floatToIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
    if (exponent <= 0) {
      return (short) sign;
    }
    if (exponent >= 0x1f) {
      return (short) (sign | 0x7bff);
    }
    return (short) (sign | (exponent << 10) | ((bits >>> 13) & 0x3ff));
  }

  /** The reference weights plus an untied {@code lm_head.weight} equal to minus wte. */
  static void writeWithNegatedLmHead(Path dir) {
    try (SafetensorsFile source =
        SafetensorsFile.open(Fixtures.hfGpt2Reference().resolve("model.safetensors"))) {
      List<TensorSpec> specs = new ArrayList<>();
      source.entries().values().forEach(e -> specs.add(TensorSpec.f32(e.name(), e.shape())));
      TensorEntry wte = source.entry("transformer.wte.weight").orElseThrow();
      specs.add(TensorSpec.f32("lm_head.weight", wte.shape()));
      try (SafetensorsWriter writer =
          SafetensorsWriter.create(dir.resolve("model.safetensors"), specs, Map.of())) {
        for (TensorEntry entry : source.entries().values()) {
          writer.writeFloats(entry.name(), 0, source.floats(entry.name()));
        }
        float[] negated = source.floats(wte.name());
        for (int i = 0; i < negated.length; i++) {
          negated[i] = -negated[i];
        }
        writer.writeFloats("lm_head.weight", 0, negated);
        writer.commit();
      }
    }
  }
}
