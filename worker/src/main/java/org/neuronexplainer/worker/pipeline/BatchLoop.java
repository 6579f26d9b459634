package org.neuronexplainer.worker.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.neuronexplainer.worker.llm.Batcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Batcher}'s rounds on its own thread, one every {@code interval}; a round that
 * throws is logged and the next one tries again. One process of a deployment runs it: the batcher
 * is the single owner of the store's batch records.
 */
public final class BatchLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchLoop.class);

  private final ScheduledExecutorService thread;
  private final AtomicReference<Batcher.Counts> last = new AtomicReference<>();

  public BatchLoop(Batcher batcher, Duration interval) {
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "batcher");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(
        () -> {
          try {
            last.set(batcher.round());
          } catch (RuntimeException e) {
            LOG.warn("a batcher round failed; trying again in {}: {}", interval, e.toString());
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Exports what the last round found: {@code neuronexplainer_llm_batches{state}} (batches in
   * progress, completed, failed: expired, failed or cancelled at the provider) and {@code
   * neuronexplainer_llm_batch_calls{state}} (calls parked and waiting for a batch, calls in batches
   * in progress).
   */
  public BatchLoop bind(MeterRegistry registry) {
    gauge(registry, "neuronexplainer.llm.batches", "in_progress", Batcher.Counts::inProgress);
    gauge(registry, "neuronexplainer.llm.batches", "completed", Batcher.Counts::completed);
    gauge(registry, "neuronexplainer.llm.batches", "failed", Batcher.Counts::failed);
    gauge(registry, "neuronexplainer.llm.batch.calls", "pending", Batcher.Counts::pendingCalls);
    gauge(
        registry, "neuronexplainer.llm.batch.calls", "in_progress", Batcher.Counts::callsInBatches);
    return this;
  }

  private void gauge(
      MeterRegistry registry, String name, String state, ToLongFunction<Batcher.Counts> value) {
    Gauge.builder(
            name,
            last,
            ref -> ref.get() == null ? Double.NaN : (double) value.applyAsLong(ref.get()))
        .description(
            name.equals("neuronexplainer.llm.batches")
                ? "Batch API batches of batch runs, by state"
                : "Calls of batch runs waiting for a batch (pending) or in one (in_progress)")
        .tag("state", state)
        .register(registry);
  }

  /** What the last round found, or null before the first one ended. */
  public Batcher.Counts counts() {
    return last.get();
  }

  /** Stops after the round under way, if any. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
