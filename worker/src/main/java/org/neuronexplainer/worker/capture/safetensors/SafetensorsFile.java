package org.neuronexplainer.worker.capture.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and data_offsets, then the raw little-endian data.
 *
 * <p>Mapping keeps multi-gigabyte checkpoints out of the Java heap; a tensor's bytes are a view of
 * the mapping, valid for as long as the buffers are reachable.
 */
public final class SafetensorsFile implements AutoCloseable {
  // A header larger than this is corrupt, not a real checkpoint (the format caps it at 100 MB).
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  // One MappedByteBuffer addresses at most 2 GiB, so larger files are mapped in windows.
  private static final long MAX_WINDOW = Integer.MAX_VALUE;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final Map<String, TensorEntry> entries;
  private final Map<String, String> metadata;
  private final long dataStart;
  private final FileChannel channel;

  private SafetensorsFile(
      Path path,
      Map<String, TensorEntry> entries,
      Map<String, String> metadata,
      long dataStart,
      FileChannel channel) {
    this.path = path;
    this.entries = entries;
    this.metadata = metadata;
    this.dataStart = dataStart;
    this.channel = channel;
  }

  /** Opens and validates the header of {@code path}; tensor data is mapped on demand. */
  public static SafetensorsFile open(Path path) {
    try {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      try {
        return read(path, channel);
      } catch (RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new SafetensorsException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static SafetensorsFile read(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new SafetensorsException(path + " is not a safetensors file (" + size + " bytes)");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lengthBytes, 0);
    long headerLength = lengthBytes.getLong(0);
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
      throw new SafetensorsException(
          path + " is not a safetensors file (header length " + headerLength + ")");
    }
    ByteBuffer header = ByteBuffer.allocate((int) headerLength);
    readFully(channel, header, 8);
    JsonNode root;
    try {
      root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SafetensorsException(path + ": the safetensors header is not valid JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(path + ": the safetensors header is not a JSON object");
    }
    long dataStart = 8 + headerLength;
    Map<String, TensorEntry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("__metadata__")) {
        field
            .getValue()
            .fields()
            .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      TensorEntry entry = parseEntry(path, field.getKey(), field.getValue());
      if (dataStart + entry.end() > size) {
        throw new SafetensorsException(
            path + ": tensor " + entry.name() + " ends past the end of the file (truncated?)");
      }
      entries.put(entry.name(), entry);
    }
    return new SafetensorsFile(
        path,
        Collections.unmodifiableMap(entries),
        Collections.unmodifiableMap(metadata),
        dataStart,
        channel);
  }

  private static TensorEntry parseEntry(Path path, String name, JsonNode node) {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null
        || shape == null
        || !shape.isArray()
        || offsets == null
        || offsets.size() != 2) {
      throw new SafetensorsException(
          path + ": tensor " + name + " needs dtype, shape and two data_offsets in the header");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong();
    }
    try {
      return new TensorEntry(
          name,
          TensorDtype.parse(dtype.asText()),
          dims,
          offsets.get(0).asLong(),
          offsets.get(1).asLong());
    } catch (SafetensorsException e) {
      throw new SafetensorsException(path + ": " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new SafetensorsException("unexpected end of file");
      }
    }
  }

  public Path path() {
    return path;
  }

  /** Every tensor, in header order. */
  public Map<String, TensorEntry> entries() {
    return entries;
  }

  /** The {@code __metadata__} strings of the header (empty when there are none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  public Optional<TensorEntry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** The raw little-endian bytes of a tensor, as a read-only view of the mapped file. */
  public ByteBuffer bytes(String name) {
    TensorEntry entry = require(name);
    long length = entry.end() - entry.begin();
    if (length > MAX_WINDOW) {
      throw new SafetensorsException(
          path + ": tensor " + name + " is larger than 2 GiB, which one buffer cannot address");
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), length)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new SafetensorsException("cannot map " + name + " from " + path, e);
    }
  }

  /** A tensor's values widened to float (F32, F16 and BF16 are read; other dtypes fail). */
  public float[] floats(String name) {
    TensorEntry entry = require(name);
    ByteBuffer bytes = bytes(name);
    float[] values = new float[Math.toIntExact(entry.elementCount())];
    switch (entry.dtype()) {
      case F32 -> {
        FloatBuffer view = bytes.asFloatBuffer();
        view.get(values);
      }
      case F16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = HalfFloats.f16ToFloat(bytes.getShort(2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = HalfFloats.bf16ToFloat(bytes.getShort(2 * i));
        }
      }
      default ->
          throw new SafetensorsException(
              path + ": tensor " + name + " is " + entry.dtype() + ", not a float tensor");
    }
    return values;
  }

  /** A tensor's values as longs (I64 and I32 are read; other dtypes fail). */
  public long[] longs(String name) {
    TensorEntry entry = require(name);
    ByteBuffer bytes = bytes(name);
    long[] values = new long[Math.toIntExact(entry.elementCount())];
    switch (entry.dtype()) {
      case I64 -> {
        LongBuffer view = bytes.asLongBuffer();
        view.get(values);
      }
      case I32 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = bytes.getInt(4 * i);
        }
      }
      default ->
          throw new SafetensorsException(
              path + ": tensor " + name + " is " + entry.dtype() + ", not an integer tensor");
    }
    return values;
  }

  /** Closes the file; buffers already mapped stay valid (a mapping outlives its channel). */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new SafetensorsException("cannot close " + path, e);
    }
  }

  private TensorEntry require(String name) {
    TensorEntry entry = entries.get(name);
    if (entry == null) {
      throw new SafetensorsException(path + " has no tensor " + name);
    }
    return entry;
  }
}
