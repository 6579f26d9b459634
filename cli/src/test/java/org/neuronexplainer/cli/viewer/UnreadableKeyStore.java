package org.neuronexplainer.cli.viewer;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Optional;
import org.neuronexplainer.common.storage.FileErrors;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/**
 * A store with one key listed but unreadable, as a file without read permission fails in a local
 * directory store (which tests running as root cannot arrange): every read of it throws what {@code
 * LocalDirectoryStore} throws then.
 */
final class UnreadableKeyStore extends ForwardingStore {

  private final Path root;
  private final String unreadable;

  /** The directory store at {@code root}, with {@code unreadable} failing. */
  UnreadableKeyStore(Path root, String unreadable) {
    super(new LocalDirectoryStore(root));
    this.root = root;
    this.unreadable = unreadable;
  }

  @Override
  public Optional<byte[]> get(String key) {
    if (key.equals(unreadable)) {
      AccessDeniedException denied = new AccessDeniedException(root.resolve(key).toString());
      throw new UncheckedIOException(
          "cannot read blob " + key + ": " + FileErrors.describe(denied), denied);
    }
    return inner.get(key);
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    if (key.equals(unreadable)) {
      return get(key);
    }
    return inner.getRange(key, offset, length);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
