package org.neuronexplainer.coordinator.viewer;

import java.util.Optional;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.BlobStore;
import org.slf4j.LoggerFactory;

/**
 * A store's {@link DatasetSubject#KEY}, read on first use and again at most once per interval, so a
 * capture that writes it while the viewer runs is seen. A store without one is shown as before
 * (units called neurons); a malformed one is logged once and the last good record, or none, stands:
 * never a failed page.
 */
final class StoreSubject {

  private final BlobStore store;
  private final long refreshMillis;
  private final LongSupplier clock;
  private Optional<DatasetSubject> subject = Optional.empty();
  private long readAtMillis;
  private boolean read;
  private String reported;

  StoreSubject(BlobStore store, long refreshMillis) {
    this(store, refreshMillis, System::currentTimeMillis);
  }

  StoreSubject(BlobStore store, long refreshMillis, LongSupplier clock) {
    this.store = store;
    this.refreshMillis = refreshMillis;
    this.clock = clock;
  }

  /**
   * Reads {@code store}'s subject record.
   *
   * @throws IllegalArgumentException naming the file when it is malformed
   */
  static Optional<DatasetSubject> read(BlobStore store) {
    return store
        .get(DatasetSubject.KEY)
        .map(bytes -> DatasetSubject.fromJson(bytes, store + "/" + DatasetSubject.KEY));
  }

  synchronized Optional<DatasetSubject> get() {
    long now = clock.getAsLong();
    if (!read || now - readAtMillis >= refreshMillis) {
      read = true;
      readAtMillis = now;
      try {
        subject = read(store);
        reported = null;
      } catch (IllegalArgumentException e) {
        // Keep the last good record: a file being rewritten is not a reason to forget it.
        if (!e.getMessage().equals(reported)) {
          reported = e.getMessage();
          LoggerFactory.getLogger(StoreSubject.class)
              .warn("{}; the viewer shows this store without it", e.getMessage());
        }
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(StoreSubject.class)
            .warn("cannot read {}/{}: {}", store, DatasetSubject.KEY, e.toString());
      }
    }
    return subject;
  }
}
