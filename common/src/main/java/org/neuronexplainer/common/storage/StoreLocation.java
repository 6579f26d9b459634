package org.neuronexplainer.common.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.storage.azure.AzureBlobStore;
import org.neuronexplainer.common.storage.azure.AzureStoreConfig;

/**
 * Where a process's store is: {@code STORE_DIR} (a directory), or {@code STORE_URL} as {@code
 * file:///dir} or {@code azure://container/prefix} (credentials from the {@code AZURE_STORAGE_*}
 * variables). Read at start, so a bad value stops the process with the variable's name; printing it
 * never shows a credential.
 */
public final class StoreLocation {
  private final String location;
  private final Path directory;
  private final Map<String, String> env;

  private StoreLocation(String location, Path directory, Map<String, String> env) {
    this.location = location;
    this.directory = directory;
    this.env = env;
  }

  /** Reads {@code STORE_URL} or {@code STORE_DIR}; the error names the variable. */
  public static StoreLocation fromEnv(Map<String, String> env) {
    Env vars = new Env(env);
    String url = vars.string("STORE_URL", null);
    String dir = vars.string("STORE_DIR", null);
    if (url != null && dir != null) {
      throw new IllegalArgumentException("set STORE_URL or STORE_DIR, not both");
    }
    if (dir != null) {
      return new StoreLocation(dir, Path.of(dir), Map.of());
    }
    if (url == null) {
      throw new IllegalArgumentException(
          "STORE_URL or STORE_DIR is required: a directory, file:///dir or"
              + " azure://container/prefix");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw Env.invalid("STORE_URL", url, "file:///dir or azure://container/prefix");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "file" -> {
        return new StoreLocation(url, Path.of(uri), Map.of());
      }
      case "azure" -> {
        try {
          // Checks the container and the credentials now, not at the first write.
          AzureStoreConfig.fromUrl(url, env);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("STORE_URL: " + e.getMessage(), e);
        }
        return new StoreLocation(url, null, Map.copyOf(env));
      }
      default ->
          throw Env.invalid(
              "STORE_URL",
              url,
              "file:///dir or azure://container/prefix (scheme '"
                  + uri.getScheme()
                  + "' is not supported here)");
    }
  }

  /** Opens the store; a local directory is created when missing. */
  public BlobStore open() {
    return directory != null
        ? new LocalDirectoryStore(directory.toAbsolutePath())
        : AzureBlobStore.fromUrl(location, env);
  }

  /** The location as configured (a path or a URL; URLs here carry no credentials). */
  @Override
  public String toString() {
    return location;
  }
}
