package org.neuronexplainer.worker.capture.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void writesInSlicesAndReadsBack() {
    Path file = dir.resolve("out.safetensors");
    List<TensorSpec> specs =
        List.of(TensorSpec.f32("a", 2, 3), new TensorSpec("ids", TensorDtype.I64, new long[] {4}));
    try (SafetensorsWriter writer = SafetensorsWriter.create(file, specs, Map.of("k", "v"))) {
      writer.writeFloats("a", 3, new float[] {4, 5, 6});
      writer.writeFloats("a", 0, new float[] {1, 2, 3});
      writer.writeLongs("ids", 0, new long[] {7, -1, 1L << 40, 0});
      writer.commit();
    }
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.entries().keySet()).containsExactly("a", "ids");
      assertThat(read.entry("a").orElseThrow().shape()).containsExactly(2, 3);
      assertThat(read.floats("a")).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(read.longs("ids")).containsExactly(7, -1, 1L << 40, 0);
      assertThat(read.metadata()).containsEntry("k", "v");
    }
    assertThat(dir.toFile().list()).containsExactly("out.safetensors");
  }

  @Test
  void anUncommittedOrIncompleteFileNeverAppears() {
    Path file = dir.resolve("out.safetensors");
    try (SafetensorsWriter writer =
        SafetensorsWriter.create(file, List.of(TensorSpec.f32("a", 4)), Map.of())) {
      writer.writeFloats("a", 0, new float[] {1, 2});
      assertThatThrownBy(writer::commit).hasMessageContaining("only 8 of 16 data bytes");
    }
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void readsHalfAndBfloat16AsFloats() throws IOException {
    // f16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf; bf16: 1.0, -0.5.
    short[] half = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x7C00};
    short[] bf16 = {0x3F80, (short) 0xBF00};
    Path file = dir.resolve("half.safetensors");
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[0,10]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[10,14]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + 14).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(json.length).put(json);
    for (short s : half) {
      bytes.putShort(s);
    }
    for (short s : bf16) {
      bytes.putShort(s);
    }
    Files.write(file, bytes.array());
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.floats("h"))
          .containsExactly(1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY);
      assertThat(read.floats("b")).containsExactly(1f, -0.5f);
    }
  }

  @Test
  void rejectsCorruptFilesByName() throws IOException {
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining("is not a safetensors file");

    String header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer truncated = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    truncated.putLong(json.length).put(json);
    Files.write(file, truncated.array());
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .hasMessageContaining("tensor t ends past the end of the file");

    String wrongSize = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}";
    json = wrongSize.getBytes(StandardCharsets.UTF_8);
    ByteBuffer mismatch = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    mismatch.putLong(json.length).put(json);
    Files.write(file, mismatch.array());
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .hasMessageContaining("tensor t: data_offsets [0, 12] do not hold F32 [4]");
  }
}
