package org.neuronexplainer.worker.capture.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.stats.LayerStats;

/**
 * Runs the per-neuron statistics of a batch on a pool of Java threads, cut into parts by layer and
 * neuron range ({@link LayerStats#begin}). At most one batch is in flight: {@link #submit} waits
 * for the previous one, so each layer sees its batches in order and the results are those of a
 * serial run. While a batch's parts run, the caller may already run the next forward pass.
 */
final class Selection implements AutoCloseable {
  private final ExecutorService pool;
  private List<LayerStats.Batch> batches = List.of();
  private List<Future<?>> running = List.of();

  Selection(int threads) {
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "capture-selection-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * One thread per core (libtorch's intra-op pool uses the same cores), or the system property
   * {@code neuron.explainer.capture.threads}.
   */
  static int defaultThreads() {
    return Math.max(
        1,
        Integer.getInteger(
            "neuron.explainer.capture.threads", Runtime.getRuntime().availableProcessors()));
  }

  /** Starts the statistics of a batch for every layer in {@code stats}; returns at once. */
  void submit(
      Iterable<LayerStats> stats, int[] ids, int[][] tokenIds, ForwardResult forwardResult) {
    await();
    List<LayerStats.Batch> started = new ArrayList<>();
    List<Future<?>> futures = new ArrayList<>();
    for (LayerStats layer : stats) {
      LayerStats.Batch batch = layer.begin(ids, tokenIds, forwardResult.layer(layer.layer()));
      started.add(batch);
      for (int part = 0; part < batch.parts(); part++) {
        int p = part;
        futures.add(pool.submit(() -> batch.run(p)));
      }
    }
    batches = started;
    running = futures;
  }

  /** Waits for the batch in flight, if any, and finishes it. */
  void await() {
    List<Future<?>> waiting = running;
    running = List.of();
    RuntimeException failure = null;
    for (Future<?> future : waiting) {
      try {
        future.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (failure == null) {
          failure =
              cause instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(cause.getMessage(), cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        waiting.forEach(f -> f.cancel(true));
        throw new IllegalStateException("interrupted while computing capture statistics", e);
      }
    }
    if (failure != null) {
      batches = List.of(); // a failed batch leaves its layers' statistics incomplete: no finish
      throw failure;
    }
    batches.forEach(LayerStats.Batch::finish);
    batches = List.of();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
