package org.neuronexplainer.common.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.neuronexplainer.common.storage.azure.AzureBlobStore;

/**
 * Turns what a user types for {@code --store} into a {@link BlobStore}: an {@code https://} URL is
 * a read-only {@link HttpsBlobStore}, {@code azure://container/prefix} an {@link AzureBlobStore}
 * (credentials from the {@code AZURE_STORAGE_*} environment), a {@code file:} URL or anything
 * without a scheme a {@link LocalDirectoryStore}. Other schemes are rejected with a message naming
 * them.
 */
public final class StoreUrl {

  private StoreUrl() {}

  /** The store {@code text} names, with Azure credentials from the process environment. */
  public static BlobStore open(String text) {
    return open(text, System.getenv());
  }

  /**
   * The store {@code text} names, Azure credentials taken from {@code env}; an
   * IllegalArgumentException with the reason when it names none.
   */
  public static BlobStore open(String text, Map<String, String> env) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a store must be a local directory or an https:// URL");
    }
    String trimmed = text.strip();
    int colon = trimmed.indexOf("://");
    if (colon < 0) {
      return local(Path.of(trimmed), text);
    }
    String scheme = trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "not a valid store URL: " + text + " (" + e.getReason() + ")");
    }
    switch (scheme) {
      case "https", "http" -> {
        if (uri.getHost() == null) {
          throw new IllegalArgumentException("store URL has no host: " + text);
        }
        return new HttpsBlobStore(uri);
      }
      case "azure" -> {
        return AzureBlobStore.fromUrl(trimmed, env);
      }
      case "file" -> {
        return local(Path.of(uri), text);
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported store scheme '"
                  + scheme
                  + "' in "
                  + text
                  + " (use a local directory, an https:// URL or azure://container/prefix)");
    }
  }

  private static BlobStore local(Path dir, String text) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("store " + text + " is a file, not a directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("store directory does not exist: " + text);
    }
    return new LocalDirectoryStore(dir);
  }
}
