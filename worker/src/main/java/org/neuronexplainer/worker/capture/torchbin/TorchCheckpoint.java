package org.neuronexplainer.worker.capture.torchbin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * A {@code pytorch_model.bin} in the zip format of {@code torch.save} (PyTorch 1.6 and later): a
 * folder holding {@code data.pkl} (the state dict's pickle, read by {@link StateDictUnpickler},
 * which runs no code) and {@code data/<key>}, one raw little-endian storage per persistent id.
 * Tensors must be contiguous views of their storage; their bytes are read when asked for.
 */
public final class TorchCheckpoint implements AutoCloseable {
  private final Path path;
  private final ZipFile zip;
  private final String folder;
  private final Map<String, TensorEntry> entries;
  private final Map<String, String> storageOf; // tensor name -> storage key

  private TorchCheckpoint(
      Path path,
      ZipFile zip,
      String folder,
      Map<String, TensorEntry> entries,
      Map<String, String> storageOf) {
    this.path = path;
    this.zip = zip;
    this.folder = folder;
    this.entries = entries;
    this.storageOf = storageOf;
  }

  public static TorchCheckpoint open(Path path) {
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new TorchCheckpointException(
          path
              + " is not a zip archive: only the zip format of torch.save (PyTorch 1.6 and later)"
              + " is read, not the legacy tar/pickle format",
          e);
    } catch (IOException e) {
      throw new TorchCheckpointException("cannot read " + path + ": " + e.getMessage(), e);
    }
    try {
      return read(path, zip);
    } catch (RuntimeException e) {
      closeQuietly(zip);
      throw e;
    }
  }

  private static TorchCheckpoint read(Path path, ZipFile zip) {
    String folder =
        zip.stream()
            .map(ZipEntry::getName)
            .filter(name -> name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - 9)
            .map(name -> name.substring(0, name.length() - "data.pkl".length()))
            .findFirst()
            .orElseThrow(
                () -> new TorchCheckpointException(path + " has no <folder>/data.pkl entry"));
    Map<String, StateDictUnpickler.TensorRef> tensors =
        StateDictUnpickler.read(readEntry(path, zip, folder + "data.pkl"), path.toString());
    Map<String, TensorEntry> entries = new LinkedHashMap<>();
    Map<String, String> storageOf = new HashMap<>();
    for (Map.Entry<String, StateDictUnpickler.TensorRef> e : tensors.entrySet()) {
      String name = e.getKey();
      StateDictUnpickler.TensorRef t = e.getValue();
      TensorDtype dtype = dtype(t.storage().type());
      checkContiguous(path, name, t);
      long elements = 1;
      for (long dim : t.size()) {
        elements = Math.multiplyExact(elements, dim);
      }
      if (t.offset() < 0 || t.offset() + elements > t.storage().numel()) {
        throw new TorchCheckpointException(
            path + ": tensor " + name + " reaches past the end of its storage");
      }
      ZipEntry data = zip.getEntry(folder + "data/" + t.storage().key());
      if (data == null) {
        throw new TorchCheckpointException(
            path + ": tensor " + name + " refers to storage " + t.storage().key() + ", missing");
      }
      long storageBytes = t.storage().numel() * dtype.bytes();
      if (data.getSize() >= 0 && data.getSize() != storageBytes) {
        throw new TorchCheckpointException(
            path
                + ": storage "
                + t.storage().key()
                + " holds "
                + data.getSize()
                + " bytes, its "
                + t.storage().numel()
                + " elements need "
                + storageBytes);
      }
      long begin = t.offset() * dtype.bytes();
      entries.put(
          name, new TensorEntry(name, dtype, t.size(), begin, begin + elements * dtype.bytes()));
      storageOf.put(name, t.storage().key());
    }
    return new TorchCheckpoint(path, zip, folder, Collections.unmodifiableMap(entries), storageOf);
  }

  private static TensorDtype dtype(String storageType) {
    return switch (storageType) {
      case "FloatStorage" -> TensorDtype.F32;
      case "HalfStorage" -> TensorDtype.F16;
      case "BFloat16Storage" -> TensorDtype.BF16;
      case "DoubleStorage" -> TensorDtype.F64;
      case "LongStorage" -> TensorDtype.I64;
      case "IntStorage" -> TensorDtype.I32;
      case "ShortStorage" -> TensorDtype.I16;
      case "CharStorage" -> TensorDtype.I8;
      case "ByteStorage" -> TensorDtype.U8;
      case "BoolStorage" -> TensorDtype.BOOL;
      default -> throw new TorchCheckpointException("unknown storage type " + storageType);
    };
  }

  private static void checkContiguous(Path path, String name, StateDictUnpickler.TensorRef t) {
    long[] size = t.size();
    long[] stride = t.stride();
    if (stride.length != size.length) {
      throw new TorchCheckpointException(path + ": tensor " + name + " has a malformed stride");
    }
    long expected = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      if (size[i] < 0) {
        throw new TorchCheckpointException(path + ": tensor " + name + " has a negative size");
      }
      if (size[i] != 1 && stride[i] != expected) {
        throw new TorchCheckpointException(
            path
                + ": tensor "
                + name
                + " is not contiguous in its storage; save it with .contiguous() or convert the"
                + " checkpoint to safetensors");
      }
      expected *= size[i];
    }
  }

  public Path path() {
    return path;
  }

  /** Every tensor, in the state dict's order; offsets are within the tensor's storage. */
  public Map<String, TensorEntry> entries() {
    return entries;
  }

  public Optional<TensorEntry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** A tensor's raw little-endian bytes, in a direct buffer of their own. */
  public ByteBuffer bytes(String name) {
    TensorEntry entry = entries.get(name);
    if (entry == null) {
      throw new TorchCheckpointException(path + " has no tensor " + name);
    }
    String key = folder + "data/" + storageOf.get(name);
    long length = entry.end() - entry.begin();
    if (length > Integer.MAX_VALUE - 8) {
      throw new TorchCheckpointException(path + ": tensor " + name + " is larger than 2 GiB");
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) length).order(ByteOrder.LITTLE_ENDIAN);
    try (InputStream in = zip.getInputStream(zip.getEntry(key))) {
      in.skipNBytes(entry.begin());
      byte[] chunk = new byte[1 << 16];
      while (buffer.hasRemaining()) {
        int n = in.read(chunk, 0, Math.min(chunk.length, buffer.remaining()));
        if (n < 0) {
          throw new TorchCheckpointException(path + ": storage of " + name + " is truncated");
        }
        buffer.put(chunk, 0, n);
      }
    } catch (IOException e) {
      throw new TorchCheckpointException(
          path + ": cannot read tensor " + name + ": " + e.getMessage(), e);
    }
    return buffer.flip();
  }

  private static byte[] readEntry(Path path, ZipFile zip, String name) {
    try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new TorchCheckpointException(
          "cannot read " + name + " in " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(zip);
  }

  private static void closeQuietly(ZipFile zip) {
    try {
      zip.close();
    } catch (IOException e) {
      // read-only: nothing to lose
    }
  }
}
