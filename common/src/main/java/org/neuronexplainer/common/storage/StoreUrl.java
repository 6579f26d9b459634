package org.neuronexplainer.common.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns what a user types for {@code --store} into a {@link BlobStore}: an {@code https://} URL is
 * a read-only {@link HttpsBlobStore}, a {@code file:} URL or anything without a scheme is a {@link
 * LocalDirectoryStore}. Other schemes (such as Azure's) are rejected with a message naming them.
 */
public final class StoreUrl {

  private StoreUrl() {}

  /** The store {@code text} names; IllegalArgumentException with the reason when it names none. */
  public static BlobStore open(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a store must be a local directory or an https:// URL");
    }
    String trimmed = text.strip();
    int colon = trimmed.indexOf("://");
    if (colon < 0) {
      return local(Path.of(trimmed), text);
    }
    String scheme = trimmed.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
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
      case "file" -> {
        return local(Path.of(uri), text);
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported store scheme '"
                  + scheme
                  + "' in "
                  + text
                  + " (use a local directory or an https:// URL)");
    }
  }

  private static BlobStore local(Path dir, String text) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("store directory does not exist: " + text);
    }
    return new LocalDirectoryStore(dir);
  }
}
