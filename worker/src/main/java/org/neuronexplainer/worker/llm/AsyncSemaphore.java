package org.neuronexplainer.worker.llm;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore whose {@link #acquire} returns a future instead of blocking: waiters queue
 * in FIFO order and no thread is parked while they wait. Every completed acquire must be paired
 * with exactly one {@link #release}.
 */
public final class AsyncSemaphore {

  private final int permits;
  private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
  private int inUse;

  public AsyncSemaphore(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, got " + permits);
    }
    this.permits = permits;
  }

  /**
   * A future that completes once a permit is held. Cancelling a queued future gives up its place;
   * cancelling one that already completed does not release the permit.
   */
  public CompletableFuture<Void> acquire() {
    synchronized (this) {
      if (inUse < permits && waiters.isEmpty()) {
        inUse++;
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      waiters.add(waiter);
      return waiter;
    }
  }

  /** Returns a permit, handing it straight to the oldest live waiter if there is one. */
  public void release() {
    while (true) {
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiters.poll();
        if (next == null) {
          if (inUse == 0) {
            throw new IllegalStateException("release without a matching acquire");
          }
          inUse--;
          return;
        }
      }
      // Completed outside the lock: the waiter's continuation runs on this thread. A waiter that
      // was cancelled meanwhile refuses the permit, so offer it to the next one.
      if (next.complete(null)) {
        return;
      }
    }
  }

  public synchronized int inUse() {
    return inUse;
  }

  public synchronized int queued() {
    return waiters.size();
  }

  public int permits() {
    return permits;
  }
}
