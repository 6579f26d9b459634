package org.neuronexplainer.coordinator.viewer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.neuronexplainer.common.storage.BlobStore;
import org.slf4j.LoggerFactory;

/**
 * A store's {@link ActivationCatalog} over time: built in the background on first use (the token
 * search or a density filter), then looked over for new or rewritten records at most once per
 * interval; the newest ready catalog answers while its successor is built.
 */
final class LiveActivations {

  private final BlobStore store;
  private final ExecutorService reads;
  private final long refreshMillis;
  private CompletableFuture<ActivationCatalog> first;
  private volatile ActivationCatalog.Progress progress = new ActivationCatalog.Progress();
  private volatile ActivationCatalog current;
  private CompletableFuture<Boolean> refreshing;
  private long lastCheckMillis;

  LiveActivations(BlobStore store, ExecutorService reads, long refreshMillis) {
    this.store = store;
    this.reads = reads;
    this.refreshMillis = refreshMillis;
  }

  /** The newest catalog; waits at most {@code waitMillis} for the first one. */
  ActivationCatalog ready(long waitMillis)
      throws ExecutionException, TimeoutException, InterruptedException {
    ActivationCatalog now = current;
    if (now != null) {
      refresh(false);
      return now;
    }
    return first().get(waitMillis, TimeUnit.MILLISECONDS);
  }

  /** The newest catalog if one is built; starts the first build otherwise and answers null. */
  ActivationCatalog ifReady() {
    ActivationCatalog now = current;
    if (now == null) {
      first();
    }
    return now;
  }

  ActivationCatalog.Progress progress() {
    return progress;
  }

  /** The first catalog, started on first call; a failed build is tried again on the next call. */
  synchronized CompletableFuture<ActivationCatalog> first() {
    if (first == null || first.isCompletedExceptionally()) {
      ActivationCatalog.Progress started = new ActivationCatalog.Progress();
      progress = started;
      first =
          CompletableFuture.supplyAsync(
              () -> {
                ActivationCatalog built =
                    ActivationCatalog.update(
                        store, null, ActivationCatalog.listing(store), false, started);
                checked(built);
                return built;
              },
              reads);
    }
    return first;
  }

  private synchronized void checked(ActivationCatalog built) {
    current = built;
    lastCheckMillis = System.currentTimeMillis();
  }

  /**
   * Looks for changed records in the background and rebuilds from the current catalog where any
   * changed; without {@code now}, at most once per interval. Completes with whether it rebuilt.
   */
  synchronized CompletableFuture<Boolean> refresh(boolean now) {
    if (refreshing != null && !refreshing.isDone()) {
      return refreshing;
    }
    if (current == null || (!now && System.currentTimeMillis() - lastCheckMillis < refreshMillis)) {
      return CompletableFuture.completedFuture(false);
    }
    ActivationCatalog base = current;
    CompletableFuture<Boolean> check =
        CompletableFuture.supplyAsync(
            () -> {
              Map<String, Long> listing = ActivationCatalog.listing(store);
              boolean rereadAll =
                  now && listing.values().stream().allMatch(v -> v == ExplanationListing.UNKNOWN);
              if (!rereadAll && !base.differsFrom(listing)) {
                return false;
              }
              current =
                  ActivationCatalog.update(
                      store, base, listing, rereadAll, new ActivationCatalog.Progress());
              return true;
            },
            reads);
    refreshing = check;
    check.whenComplete((changed, error) -> refreshDone(error));
    return check;
  }

  private synchronized void refreshDone(Throwable error) {
    lastCheckMillis = System.currentTimeMillis();
    if (error != null) {
      LoggerFactory.getLogger(LiveActivations.class)
          .warn(
              "refreshing the viewer's activation index of {} failed: {}", store, error.toString());
    }
  }
}
