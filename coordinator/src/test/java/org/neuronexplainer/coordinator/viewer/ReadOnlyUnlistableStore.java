package org.neuronexplainer.coordinator.viewer;

import java.util.List;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/** Reads like a public https container: single blobs only, no writes and no listing. */
final class ReadOnlyUnlistableStore extends ForwardingStore {

  ReadOnlyUnlistableStore(BlobStore inner) {
    super(inner);
  }

  @Override
  public void put(String key, byte[] data) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public boolean delete(String key) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public List<String> list(String prefix) {
    throw new UnsupportedOperationException("this store cannot be listed");
  }
}
