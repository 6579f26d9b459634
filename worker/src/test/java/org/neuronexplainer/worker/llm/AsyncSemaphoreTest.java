package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncSemaphoreTest {

  @Test
  void grantsUpToThePermitsThenQueuesInOrder() {
    AsyncSemaphore semaphore = new AsyncSemaphore(2);
    CompletableFuture<Void> a = semaphore.acquire();
    CompletableFuture<Void> b = semaphore.acquire();
    CompletableFuture<Void> c = semaphore.acquire();
    CompletableFuture<Void> d = semaphore.acquire();

    assertThat(a).isDone();
    assertThat(b).isDone();
    assertThat(c).isNotDone();
    assertThat(semaphore.queued()).isEqualTo(2);

    semaphore.release();
    assertThat(c).isDone();
    assertThat(d).isNotDone();
    assertThat(semaphore.inUse()).isEqualTo(2);
  }

  @Test
  void aCancelledWaiterPassesThePermitOn() {
    AsyncSemaphore semaphore = new AsyncSemaphore(1);
    semaphore.acquire();
    CompletableFuture<Void> cancelled = semaphore.acquire();
    CompletableFuture<Void> next = semaphore.acquire();

    cancelled.cancel(false);
    semaphore.release();

    assertThat(next).isDone();
    assertThat(semaphore.inUse()).isEqualTo(1);
    semaphore.release();
    assertThat(semaphore.inUse()).isZero();
  }

  @Test
  void anUnmatchedReleaseIsABug() {
    assertThatThrownBy(() -> new AsyncSemaphore(1).release())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manyThreadsNeverHoldMoreThanThePermits() throws Exception {
    AsyncSemaphore semaphore = new AsyncSemaphore(3);
    AtomicInteger held = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      done.add(
          semaphore
              .acquire()
              .thenRunAsync(
                  () -> {
                    peak.accumulateAndGet(held.incrementAndGet(), Math::max);
                    held.decrementAndGet();
                    semaphore.release();
                  },
                  pool));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
    pool.shutdown();

    assertThat(peak.get()).isBetween(1, 3);
    assertThat(semaphore.inUse()).isZero();
  }
}
