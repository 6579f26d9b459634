package org.neuronexplainer.common.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link BlobStore} held in memory, for tests and single-process tools. Thread-safe. */
public final class InMemoryBlobStore implements BlobStore {

  private final ConcurrentNavigableMap<String, byte[]> blobs = new ConcurrentSkipListMap<>();

  @Override
  public Optional<byte[]> get(String key) {
    byte[] data = blobs.get(BlobStore.requireValidKey(key));
    return data == null ? Optional.empty() : Optional.of(data.clone());
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    BlobStore.checkRange(offset, length);
    byte[] data = blobs.get(BlobStore.requireValidKey(key));
    return data == null ? Optional.empty() : Optional.of(BlobStore.slice(data, offset, length));
  }

  @Override
  public void put(String key, byte[] data) {
    // A copy, so a caller that reuses its array cannot change what readers see.
    blobs.put(BlobStore.requireValidKey(key), data.clone());
  }

  @Override
  public boolean exists(String key) {
    return blobs.containsKey(BlobStore.requireValidKey(key));
  }

  @Override
  public boolean delete(String key) {
    return blobs.remove(BlobStore.requireValidKey(key)) != null;
  }

  @Override
  public List<String> list(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    List<String> keys = new ArrayList<>();
    for (String key : blobs.tailMap(prefix, true).keySet()) {
      if (!key.startsWith(prefix)) {
        break;
      }
      keys.add(key);
    }
    return keys;
  }

  /** How many blobs are stored. */
  public int size() {
    return blobs.size();
  }
}
