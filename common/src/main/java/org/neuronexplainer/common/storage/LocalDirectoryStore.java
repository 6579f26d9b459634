package org.neuronexplainer.common.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a local directory: key {@code a/b/c.json} is the file {@code
 * {root}/a/b/c.json}.
 *
 * <p>A put writes a temporary file in the target's own directory, forces it to disk, then renames
 * it over the target, so readers (in this or another process) never see a half-written blob and a
 * crash leaves at worst a stray temporary file, which listings ignore. Temporary names start with
 * {@value #TEMP_PREFIX}, a segment prefix that keys may not use. A temporary file older than {@link
 * #STALE_TEMP} belongs to no write in progress: it is removed when the store is first opened in a
 * process and whenever a listing walks past it.
 */
public final class LocalDirectoryStore implements BlobStore {

  static final String TEMP_PREFIX = ".tmp-";

  /** How old a temporary file must be before it is taken for one a killed write left. */
  static final Duration STALE_TEMP = Duration.ofHours(1);

  private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

  private final Path root;

  public LocalDirectoryStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    if (Files.isDirectory(this.root) && SWEPT.add(this.root)) {
      sweep(this.root);
    }
  }

  /** Removes the stale temporary files under {@code start}; what cannot be removed stays. */
  private static void sweep(Path start) {
    try (Stream<Path> files = Files.walk(start)) {
      files.filter(LocalDirectoryStore::isTemp).forEach(LocalDirectoryStore::removeIfStale);
    } catch (IOException | UncheckedIOException e) {
      // Best effort: an unreadable directory is reported by the operation that needs it.
    }
  }

  private static boolean isTemp(Path path) {
    return path.getFileName() != null && path.getFileName().toString().startsWith(TEMP_PREFIX);
  }

  private static void removeIfStale(Path temp) {
    try {
      Instant modified = Files.getLastModifiedTime(temp).toInstant();
      if (modified.isBefore(Instant.now().minus(STALE_TEMP)) && Files.isRegularFile(temp)) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      // Gone already, or not ours to remove: it stays out of listings either way.
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public Optional<byte[]> get(String key) {
    Path file = resolve(key);
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        return Optional.empty();
      }
      throw failure("cannot read blob " + key, file, e);
    }
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    BlobStore.checkRange(offset, length);
    Path file = resolve(key);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer buffer =
          ByteBuffer.allocate((int) Math.max(0, Math.min(length, size - Math.min(offset, size))));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          break; // the end of the file: a short read
        }
      }
      return Optional.of(Arrays.copyOf(buffer.array(), buffer.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        return Optional.empty();
      }
      throw failure("cannot read blob " + key, file, e);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    Path file = resolve(key);
    Path temp = null;
    try {
      Files.createDirectories(file.getParent());
      temp = Files.createTempFile(file.getParent(), TEMP_PREFIX, ".part");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // Durable before visible: callers commit Kafka offsets once put returns.
        channel.force(true);
      }
      moveIntoPlace(temp, file);
      temp = null;
    } catch (IOException e) {
      throw failure("cannot write blob " + key, file, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The write already failed; a stray temporary file is invisible to readers.
        }
      }
    }
  }

  private static void moveIntoPlace(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so this only happens on exotic file systems; rename is still the best bet.
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public boolean delete(String key) {
    Path file = resolve(key);
    if (Files.isDirectory(file)) {
      return false;
    }
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw failure("cannot delete blob " + key, file, e);
    }
  }

  @Override
  public List<String> folders(String folder) {
    BlobStore.requireValidPrefix(folder);
    if (!folder.isEmpty() && !folder.endsWith("/")) {
      throw new IllegalArgumentException("a store folder ends with '/': " + folder);
    }
    Path dir = root.resolve(folder).normalize();
    if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
      return List.of();
    }
    // The directories themselves, each kept when it holds a blob: no walk of everything below.
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isDirectory)
          .filter(this::holdsABlob)
          .map(path -> path.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw failure("cannot list the folders of " + folder, dir, e);
    }
  }

  /** Whether a blob (not a temporary file of a put) lies anywhere under {@code dir}. */
  private boolean holdsABlob(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(path -> Files.isRegularFile(path) && !isTemp(path));
    } catch (IOException | UncheckedIOException e) {
      return false; // gone or unreadable meanwhile: not listed, as a list would not show it
    }
  }

  @Override
  public List<String> list(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    // Walk only the deepest directory the prefix names in full, then filter by the string prefix.
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash)).normalize();
    if (!start.startsWith(root) || !Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(start)) {
      files
          .filter(Files::isRegularFile)
          .filter(
              path -> {
                if (isTemp(path)) {
                  removeIfStale(path);
                  return false;
                }
                return true;
              })
          .map(this::keyOf)
          .filter(key -> key.startsWith(prefix))
          .forEach(keys::add);
    } catch (IOException e) {
      throw failure("cannot list blobs under " + prefix, start, e);
    } catch (UncheckedIOException e) {
      throw failure("cannot list blobs under " + prefix, start, e.getCause());
    }
    keys.sort(null);
    return keys;
  }

  /**
   * A failure that names its cause in plain words: a file where a directory should be, permission
   * denied, a full or read-only disk, each with its path.
   */
  static UncheckedIOException failure(String what, Path file, IOException error) {
    return new UncheckedIOException(what + ": " + FileErrors.describe(error, file), error);
  }

  private String keyOf(Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private Path resolve(String key) {
    BlobStore.requireValidKey(key);
    for (String segment : key.split("/")) {
      if (segment.startsWith(TEMP_PREFIX)) {
        throw new IllegalArgumentException(
            "blob key segments must not start with " + TEMP_PREFIX + ": " + key);
      }
    }
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw new IllegalArgumentException("blob key escapes the store's root: " + key);
    }
    return file;
  }

  @Override
  public String toString() {
    return "LocalDirectoryStore[" + root + "]";
  }
}
