package org.neuronexplainer.common.storage;

import java.util.List;
import java.util.Optional;

/** A store seen from one of its folders ({@link BlobStore#under}). */
final class PrefixedStore implements BlobStore {
  private final BlobStore base;
  private final String folder;

  private PrefixedStore(BlobStore base, String folder) {
    this.base = base;
    this.folder = folder;
  }

  static BlobStore of(BlobStore base, String folder) {
    if (folder == null || !folder.endsWith("/")) {
      throw new IllegalArgumentException("a store folder ends with '/': " + folder);
    }
    BlobStore.requireValidKey(folder.substring(0, folder.length() - 1));
    if (base instanceof PrefixedStore nested) {
      return new PrefixedStore(nested.base, nested.folder + folder);
    }
    return new PrefixedStore(base, folder);
  }

  /** The folder, relative to the underlying store, ending in '/'. */
  String folder() {
    return folder;
  }

  @Override
  public Optional<byte[]> get(String key) {
    return base.get(folder + BlobStore.requireValidKey(key));
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    return base.getRange(folder + BlobStore.requireValidKey(key), offset, length);
  }

  @Override
  public void put(String key, byte[] data) {
    base.put(folder + BlobStore.requireValidKey(key), data);
  }

  @Override
  public boolean exists(String key) {
    return base.exists(folder + BlobStore.requireValidKey(key));
  }

  @Override
  public boolean delete(String key) {
    return base.delete(folder + BlobStore.requireValidKey(key));
  }

  @Override
  public List<String> list(String prefix) {
    return base.list(folder + BlobStore.requireValidPrefix(prefix)).stream()
        .map(key -> key.substring(folder.length()))
        .toList();
  }

  @Override
  public List<String> folders(String folder) {
    return base.folders(this.folder + BlobStore.requireValidPrefix(folder));
  }

  @Override
  public String toString() {
    return base + "/" + folder.substring(0, folder.length() - 1);
  }
}
