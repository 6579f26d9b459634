package org.neuronexplainer.common.storage;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A flat store of byte blobs under '/'-separated relative keys, such as {@code
 * collated-activations/0/12.json} or {@code llm-cache/3f…e1.json}.
 *
 * <p>Contract shared by every implementation (local directory, in memory, Azure Blob, read-only
 * https):
 *
 * <ul>
 *   <li>A key is relative: it does not start or end with '/', has no empty, {@code .} or {@code ..}
 *       segment, no backslash and no control character. {@link #requireValidKey} checks this.
 *   <li>{@link #put} is atomic for readers: a reader sees the previous blob, or the whole new one,
 *       never a partial write.
 *   <li>I/O failures are thrown as {@link UncheckedIOException}; an absent key is not a failure.
 * </ul>
 */
public interface BlobStore {

  /** The blob stored under {@code key}, or empty when there is none. */
  Optional<byte[]> get(String key);

  /**
   * Bytes {@code [offset, offset + length)} of the blob under {@code key}, fewer where the blob
   * ends sooner (none at or past its end), or empty when there is no blob. Readers of large blobs
   * with an index (capture partials) read only the parts they need; this default reads the whole
   * blob.
   */
  default Optional<byte[]> getRange(String key, long offset, int length) {
    checkRange(offset, length);
    return get(key).map(data -> slice(data, offset, length));
  }

  /** Throws IllegalArgumentException for a negative offset or length. */
  static void checkRange(long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "a blob range needs a non-negative offset and length, got " + offset + ", " + length);
    }
  }

  /** {@code data[offset, offset + length)}, cut at its end. */
  static byte[] slice(byte[] data, long offset, int length) {
    int from = (int) Math.min(offset, data.length);
    return Arrays.copyOfRange(data, from, (int) Math.min(data.length, from + (long) length));
  }

  /** Stores {@code data} under {@code key}, replacing any previous blob, atomically for readers. */
  void put(String key, byte[] data);

  /** Whether a blob is stored under {@code key}. */
  boolean exists(String key);

  /** Removes the blob under {@code key}; returns whether one was there. */
  boolean delete(String key);

  /**
   * The keys that start with {@code prefix}, sorted. The prefix is a plain string prefix of keys
   * (as in Azure Blob and S3 listings): {@code "runs/"} lists a folder, {@code ""} lists all.
   */
  List<String> list(String prefix);

  /**
   * The names of the folders directly under {@code folder} ({@code ""} for the root, else ending in
   * '/') that hold at least one blob, sorted: {@code folders("saes/")} gives {@code ["a", "b"]} for
   * {@code saes/a/x} and {@code saes/b/y/z}. This default lists every key below; a store that can
   * name its folders without that overrides it.
   */
  default List<String> folders(String folder) {
    if (!folder.isEmpty() && !folder.endsWith("/")) {
      throw new IllegalArgumentException("a store folder ends with '/': " + folder);
    }
    TreeSet<String> names = new TreeSet<>();
    for (String key : list(folder)) {
      int slash = key.indexOf('/', folder.length());
      if (slash > folder.length()) {
        names.add(key.substring(folder.length(), slash));
      }
    }
    return List.copyOf(names);
  }

  /**
   * This store seen from a folder: {@code under("saes/x/").get("a")} reads {@code saes/x/a}, and
   * lists give keys relative to the folder. A dataset kept inside another store's folder (an SAE's
   * latents under {@code saes/{name}/}) is read and written through such a view.
   *
   * @param folder a valid key followed by {@code /}
   */
  default BlobStore under(String folder) {
    return PrefixedStore.of(this, folder);
  }

  /**
   * Returns {@code key} when it is a valid relative key, else throws IllegalArgumentException that
   * names it.
   */
  static String requireValidKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("blob key must not be empty");
    }
    if (key.startsWith("/") || key.endsWith("/")) {
      throw new IllegalArgumentException(
          "blob key must be relative, without a trailing '/': " + key);
    }
    requireValidPrefix(key);
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("blob key has an empty, '.' or '..' segment: " + key);
      }
    }
    return key;
  }

  /** Returns {@code prefix} when it is a valid listing prefix, else throws. */
  static String requireValidPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("blob prefix must not be null");
    }
    if (prefix.startsWith("/")) {
      throw new IllegalArgumentException("blob key must be relative: " + prefix);
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "blob key contains a backslash or a control character: " + prefix);
      }
    }
    for (String segment : prefix.split("/", -1)) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException("blob key must not contain '..': " + prefix);
      }
    }
    return prefix;
  }
}
