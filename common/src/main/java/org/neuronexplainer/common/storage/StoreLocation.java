package org.neuronexplainer.common.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a process's store is, from {@code STORE_URL} ({@code file:///path}) or {@code STORE_DIR} (a
 * directory). Other schemes (Azure, https) belong to their stores' packages and are added here when
 * those land.
 */
public record StoreLocation(Path directory) {

  /** Reads {@code STORE_URL} or {@code STORE_DIR}; the error names the variable. */
  public static StoreLocation fromEnv(Map<String, String> env) {
    String url = blankToNull(env.get("STORE_URL"));
    String dir = blankToNull(env.get("STORE_DIR"));
    if (url != null && dir != null) {
      throw new IllegalArgumentException("set STORE_URL or STORE_DIR, not both");
    }
    if (url != null) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("STORE_URL: '" + url + "' is not a URL", e);
      }
      if (!"file".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "STORE_URL: scheme '" + uri.getScheme() + "' is not supported here (use file:///dir)");
      }
      return new StoreLocation(Path.of(uri));
    }
    if (dir != null) {
      return new StoreLocation(Path.of(dir));
    }
    throw new IllegalArgumentException("STORE_URL or STORE_DIR is required");
  }

  public BlobStore open() {
    return new LocalDirectoryStore(directory.toAbsolutePath());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
