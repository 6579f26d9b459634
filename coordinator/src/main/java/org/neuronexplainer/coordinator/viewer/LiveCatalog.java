package org.neuronexplainer.coordinator.viewer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.neuronexplainer.common.storage.BlobStore;
import org.slf4j.LoggerFactory;

/**
 * A store's catalog over time: the first one, built on first use, then its successors, each built
 * in the background from the one before when the store's explanation files changed. The newest
 * ready catalog always answers; a look for changes runs at most once per interval unless asked for
 * (the overview's Refresh), and one look runs at a time.
 */
final class LiveCatalog {

  private final BlobStore store;
  private final ExecutorService reads;
  private final long refreshMillis;
  private CompletableFuture<StoreCatalog> catalog;
  private volatile StoreCatalog.Progress progress = new StoreCatalog.Progress();
  // The newest ready catalog: it answers while a refresh builds its successor.
  private volatile StoreCatalog current;
  private CompletableFuture<Boolean> refreshing;
  private boolean refreshingNow;
  private long lastCheckMillis;

  /** {@code refreshMillis}: the least time between two routine looks (0: at every request). */
  LiveCatalog(BlobStore store, ExecutorService reads, long refreshMillis) {
    this.store = store;
    this.reads = reads;
    this.refreshMillis = refreshMillis;
  }

  /** The newest catalog; waits for the first one to be built, at most {@code waitMillis}. */
  StoreCatalog ready(long waitMillis)
      throws ExecutionException, TimeoutException, InterruptedException {
    StoreCatalog now = current;
    return now != null ? now : first().get(waitMillis, TimeUnit.MILLISECONDS);
  }

  /** Files read so far by the first build. */
  StoreCatalog.Progress progress() {
    return progress;
  }

  /** The first catalog, started on first call; a failure other than "cannot list" is retried. */
  synchronized CompletableFuture<StoreCatalog> first() {
    if (catalog == null || (catalog.isCompletedExceptionally() && !failedAsUnlistable(catalog))) {
      StoreCatalog.Progress started = new StoreCatalog.Progress();
      progress = started;
      catalog =
          CompletableFuture.supplyAsync(
              () -> {
                StoreCatalog built = StoreCatalog.load(store, started);
                checked(built);
                return built;
              },
              reads);
    }
    return catalog;
  }

  private synchronized void checked(StoreCatalog built) {
    current = built;
    lastCheckMillis = System.currentTimeMillis();
  }

  /**
   * Looks for new, changed and removed explanation files in the background and, where there are
   * any, builds the next catalog from the previous one, reading only those files; the previous
   * catalog answers meanwhile. Without {@code now}, at most once per refresh interval. With {@code
   * now}, a store whose listing cannot tell a rewritten file is read again in full.
   *
   * @return completes with whether a new catalog replaced the old one (false at once when it is not
   *     time yet or the first catalog is not built)
   */
  synchronized CompletableFuture<Boolean> refresh(boolean now) {
    if (refreshing != null && !refreshing.isDone()) {
      if (!now || refreshingNow) {
        return refreshing;
      }
      // Asked while a routine look runs: look again, in full, once it is over.
      return refreshing
          .handle((changed, error) -> Boolean.TRUE.equals(changed))
          .thenCompose(changed -> refresh(true).thenApply(again -> changed || again));
    }
    if (current == null || (!now && System.currentTimeMillis() - lastCheckMillis < refreshMillis)) {
      return CompletableFuture.completedFuture(false);
    }
    StoreCatalog base = current;
    CompletableFuture<Boolean> check =
        CompletableFuture.supplyAsync(() -> rebuildIfChanged(base, now), reads);
    refreshing = check;
    refreshingNow = now;
    check.whenComplete((changed, error) -> refreshDone(check, error));
    return check;
  }

  private boolean rebuildIfChanged(StoreCatalog base, boolean now) {
    Map<String, Long> listing = ExplanationListing.of(store);
    boolean rereadAll =
        now && listing.values().stream().allMatch(v -> v == ExplanationListing.UNKNOWN);
    if (!rereadAll && !base.differsFrom(listing)) {
      return false;
    }
    StoreCatalog.Progress started = new StoreCatalog.Progress();
    current = StoreCatalog.update(store, base, listing, rereadAll, started);
    return true;
  }

  private synchronized void refreshDone(CompletableFuture<Boolean> check, Throwable error) {
    if (refreshing == check) {
      refreshing = null;
    }
    lastCheckMillis = System.currentTimeMillis();
    if (error != null) {
      // The old catalog keeps answering; the next look after the interval tries again.
      LoggerFactory.getLogger(LiveCatalog.class)
          .warn("refreshing the viewer's index of {} failed: {}", store, error.toString());
    }
  }

  private static boolean failedAsUnlistable(CompletableFuture<StoreCatalog> future) {
    try {
      future.getNow(null);
      return false;
    } catch (CompletionException e) {
      return e.getCause() instanceof UnsupportedOperationException;
    }
  }
}
