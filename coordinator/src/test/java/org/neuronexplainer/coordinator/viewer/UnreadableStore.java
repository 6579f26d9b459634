package org.neuronexplainer.coordinator.viewer;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.Optional;
import java.util.Set;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/**
 * A store whose named keys cannot be read, as a file without read permission fails in a local
 * directory store (which the tests cannot arrange when they run as root): listed, but every read
 * throws.
 */
final class UnreadableStore extends ForwardingStore {

  private final Set<String> unreadable;

  UnreadableStore(BlobStore inner, Set<String> unreadable) {
    super(inner);
    this.unreadable = Set.copyOf(unreadable);
  }

  @Override
  public Optional<byte[]> get(String key) {
    if (unreadable.contains(key)) {
      throw new UncheckedIOException(
          "cannot read blob " + key + ": permission denied: /srv/store/" + key,
          new AccessDeniedException("/srv/store/" + key));
    }
    return inner.get(key);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
