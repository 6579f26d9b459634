package org.neuronexplainer.coordinator.viewer;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/** Holds reads of explanation files while its gate is closed (at most 10 s each). */
final class GatedStore extends ForwardingStore {

  volatile CountDownLatch gate;

  GatedStore(BlobStore inner, CountDownLatch gate) {
    super(inner);
    this.gate = gate;
  }

  /** Open from the start. */
  GatedStore(BlobStore inner) {
    this(inner, new CountDownLatch(0));
  }

  @Override
  public Optional<byte[]> get(String key) {
    if (key.startsWith("explanations/")) {
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return inner.get(key);
  }
}
