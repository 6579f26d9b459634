package org.neuronexplainer.common.storage.testing;

import java.util.List;
import java.util.Optional;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * A store that passes every call to another one: tests extend it and override only the calls they
 * watch, hold back or refuse.
 */
public abstract class ForwardingStore implements BlobStore {

  protected final BlobStore inner;

  protected ForwardingStore(BlobStore inner) {
    this.inner = inner;
  }

  @Override
  public Optional<byte[]> get(String key) {
    return inner.get(key);
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    return inner.getRange(key, offset, length);
  }

  @Override
  public void put(String key, byte[] data) {
    inner.put(key, data);
  }

  @Override
  public boolean exists(String key) {
    return inner.exists(key);
  }

  @Override
  public boolean delete(String key) {
    return inner.delete(key);
  }

  @Override
  public List<String> list(String prefix) {
    return inner.list(prefix);
  }
}
