package org.neuronexplainer.worker.capture.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a safetensors file whose tensors are declared up front and filled in any order, slice by
 * slice, so that a large export never has to sit in memory at once.
 *
 * <p>Data goes to a hidden temporary file next to the target; {@link #commit()} checks that every
 * byte was written, forces it to disk and renames it into place, so a reader never sees a
 * half-written file under the target name. Closing without committing deletes the temporary file.
 */
public final class SafetensorsWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Values are converted to bytes in chunks of this many elements to bound the extra memory.
  private static final int CHUNK = 1 << 20;

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final Map<String, Layout> layouts;
  private final long totalDataBytes;
  private long writtenBytes;
  private boolean committed;

  private record Layout(TensorSpec spec, long fileOffset) {}

  private SafetensorsWriter(
      Path target, Path temp, FileChannel channel, Map<String, Layout> layouts, long total) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.layouts = layouts;
    this.totalDataBytes = total;
  }

  /** Starts a file at {@code target} holding {@code tensors}, in that order. */
  public static SafetensorsWriter create(
      Path target, List<TensorSpec> tensors, Map<String, String> metadata) {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    Map<String, Long> begins = new LinkedHashMap<>();
    for (TensorSpec spec : tensors) {
      if (begins.containsKey(spec.name())) {
        throw new IllegalArgumentException("tensor " + spec.name() + " declared twice");
      }
      ObjectNode entry = header.putObject(spec.name());
      entry.put("dtype", spec.dtype().name());
      ArrayNode shape = entry.putArray("shape");
      for (long dim : spec.shape()) {
        shape.add(dim);
      }
      begins.put(spec.name(), offset);
      entry.putArray("data_offsets").add(offset).add(offset + spec.byteCount());
      offset += spec.byteCount();
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    // The format pads the header with spaces so that the data starts 8-byte aligned.
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();

    Map<String, Layout> layouts = new LinkedHashMap<>();
    for (TensorSpec spec : tensors) {
      layouts.put(spec.name(), new Layout(spec, 8 + padded + begins.get(spec.name())));
    }
    Path absolute = target.toAbsolutePath();
    Path temp =
        absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(absolute.getParent());
      FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
      SafetensorsWriter writer = new SafetensorsWriter(absolute, temp, channel, layouts, offset);
      writer.writeAt(prefix, 0);
      return writer;
    } catch (IOException e) {
      throw new SafetensorsException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Writes F32 values into tensor {@code name}, starting at element {@code elementOffset}. */
  public void writeFloats(String name, long elementOffset, float[] values) {
    Layout layout = check(name, TensorDtype.F32, elementOffset, values.length);
    for (int start = 0; start < values.length; start += CHUNK) {
      int count = Math.min(CHUNK, values.length - start);
      ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values, start, count);
      writeAt(bytes, layout.fileOffset() + (elementOffset + start) * 4);
    }
  }

  /** Writes I64 values into tensor {@code name}, starting at element {@code elementOffset}. */
  public void writeLongs(String name, long elementOffset, long[] values) {
    Layout layout = check(name, TensorDtype.I64, elementOffset, values.length);
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    writeAt(bytes, layout.fileOffset() + elementOffset * 8);
  }

  /**
   * Writes raw little-endian bytes into tensor {@code name} at byte {@code byteOffset} within it,
   * for dtypes that have no typed method (F16, BF16, ...).
   */
  public void writeBytes(String name, long byteOffset, ByteBuffer bytes) {
    Layout layout = layouts.get(name);
    if (layout == null) {
      throw new IllegalArgumentException("tensor " + name + " was not declared");
    }
    if (byteOffset < 0 || byteOffset + bytes.remaining() > layout.spec().byteCount()) {
      throw new IllegalArgumentException(
          bytes.remaining() + " bytes at " + byteOffset + " lie outside tensor " + layout.spec());
    }
    writeAt(bytes.duplicate(), layout.fileOffset() + byteOffset);
  }

  private Layout check(String name, TensorDtype dtype, long elementOffset, int count) {
    Layout layout = layouts.get(name);
    if (layout == null) {
      throw new IllegalArgumentException("tensor " + name + " was not declared");
    }
    if (layout.spec().dtype() != dtype) {
      throw new IllegalArgumentException(
          "tensor " + name + " is " + layout.spec().dtype() + ", not " + dtype);
    }
    if (elementOffset < 0 || elementOffset + count > layout.spec().elementCount()) {
      throw new IllegalArgumentException(
          "elements ["
              + elementOffset
              + ", "
              + (elementOffset + count)
              + ") lie outside tensor "
              + layout.spec());
    }
    return layout;
  }

  private void writeAt(ByteBuffer bytes, long position) {
    if (committed) {
      throw new IllegalStateException("already committed: " + target);
    }
    try {
      long at = position;
      int length = bytes.remaining();
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
      if (position > 0) {
        writtenBytes += length;
      }
    } catch (IOException e) {
      throw new SafetensorsException("cannot write " + temp + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes the file visible under its target name, replacing any older file there. Fails when not
   * every byte of every tensor was written (counting each write once; slices must not overlap).
   */
  public void commit() {
    if (writtenBytes != totalDataBytes) {
      throw new IllegalStateException(
          "only " + writtenBytes + " of " + totalDataBytes + " data bytes written to " + target);
    }
    try {
      channel.force(true);
      channel.close();
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      committed = true;
    } catch (IOException e) {
      throw new SafetensorsException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Discards the temporary file unless {@link #commit()} succeeded. */
  @Override
  public void close() {
    if (committed) {
      return;
    }
    try {
      channel.close();
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      throw new SafetensorsException("cannot delete " + temp + ": " + e.getMessage(), e);
    }
  }
}
