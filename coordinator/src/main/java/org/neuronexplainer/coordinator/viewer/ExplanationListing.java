package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/**
 * The explanation files of a store, each with a version that changes when the file is rewritten:
 * what the catalog compares to decide which files to read again. A local directory gives its files'
 * modification time and size; other stores give only the keys, so there a rewritten file keeps its
 * version ({@link #UNKNOWN}) and only new or removed files are seen.
 */
final class ExplanationListing {

  static final long UNKNOWN = 0;

  private ExplanationListing() {}

  /** Key to version; UnsupportedOperationException where the store cannot be listed. */
  static Map<String, Long> of(BlobStore store) {
    return of(store, "explanations", key -> StoreCatalog.neuronOf(key).isPresent());
  }

  /** As {@link #of(BlobStore)} for the per-neuron files under {@code folder} that {@code isKey}. */
  static Map<String, Long> of(BlobStore store, String folder, Predicate<String> isKey) {
    String prefix = folder + "/";
    Map<String, Long> versions = new TreeMap<>();
    if (store instanceof LocalDirectoryStore local) {
      Path root = local.root().resolve(folder);
      if (!Files.isDirectory(root)) {
        return versions;
      }
      // One walk with attributes: as cheap as the plain listing, and it sees rewrites.
      try (Stream<Path> files =
          Files.find(root, 2, (path, attributes) -> attributes.isRegularFile())) {
        files.forEach(
            file -> {
              String key = prefix + root.relativize(file).toString().replace('\\', '/');
              if (isKey.test(key)) {
                versions.put(key, version(file));
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + root, e);
      }
      return versions;
    }
    for (String key : store.list(prefix)) {
      if (isKey.test(key)) {
        versions.put(key, UNKNOWN);
      }
    }
    return versions;
  }

  private static long version(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      long version =
          attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) * 31 + attributes.size();
      return version == UNKNOWN ? 1 : version;
    } catch (IOException e) {
      return 1; // removed since the walk: the read that follows finds it gone
    }
  }
}
