package org.neuronexplainer.worker.capture.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Hook;
import org.neuronexplainer.worker.capture.ReducedBatch;
import org.neuronexplainer.worker.capture.stats.LayerBatch;
import org.neuronexplainer.worker.capture.stats.LayerStats;

/**
 * Runs the per-neuron statistics of a batch on a pool of Java threads, cut into parts by layer and
 * neuron range ({@link LayerStats#begin}). Each layer's {@code begin} (the token table's rows, new
 * ones cut from slabs the kernel maps on first touch) also runs on the pool, one task per layer,
 * and then that layer's parts. At most one batch is in flight: {@link #submit} waits for the
 * previous one, so each layer sees its batches in order and the results are those of a serial run.
 * {@link #submit} returns at once, so the caller may already run the next forward pass.
 */
final class StatsPool implements AutoCloseable {
  private final ExecutorService pool;
  private List<CompletableFuture<LayerBatch>> running = List.of();

  StatsPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "capture-stats-" + count.incrementAndGet());
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
    Map<CaptureUnit, LayerStats> byUnit = new LinkedHashMap<>();
    stats.forEach(layer -> byUnit.put(new CaptureUnit.MlpLayer(layer.layer()), layer));
    submit(byUnit, ids, tokenIds, forwardResult);
  }

  /** Starts the statistics of a batch for every unit in {@code stats}; returns at once. */
  void submit(
      Map<CaptureUnit, LayerStats> stats,
      int[] ids,
      int[][] tokenIds,
      ForwardResult forwardResult) {
    await();
    List<CompletableFuture<LayerBatch>> units = new ArrayList<>();
    stats.forEach(
        (unit, layer) ->
            units.add(
                CompletableFuture.supplyAsync(
                        () -> begin(unit, layer, ids, tokenIds, forwardResult), pool)
                    .thenCompose(this::runParts)));
    running = units;
  }

  /** The batch from what the pass brought back for the unit: reduced on the device, or whole. */
  private static LayerBatch begin(
      CaptureUnit unit, LayerStats layer, int[] ids, int[][] tokenIds, ForwardResult result) {
    ReducedBatch reduced =
        unit instanceof CaptureUnit.MlpLayer mlp
            ? result.reduced().get(Hook.mlpNeurons(mlp.layer()))
            : null;
    return reduced != null
        ? layer.begin(ids, tokenIds, reduced)
        : layer.begin(ids, tokenIds, unit.from(result));
  }

  private CompletableFuture<LayerBatch> runParts(LayerBatch batch) {
    CompletableFuture<?>[] parts = new CompletableFuture<?>[batch.parts()];
    for (int part = 0; part < parts.length; part++) {
      int p = part;
      parts[part] = CompletableFuture.runAsync(() -> batch.run(p), pool);
    }
    return CompletableFuture.allOf(parts).thenApply(done -> batch);
  }

  /** Waits for the batch in flight, if any, and finishes it. */
  void await() {
    List<CompletableFuture<LayerBatch>> waiting = running;
    running = List.of();
    List<LayerBatch> batches = new ArrayList<>();
    Throwable failure = null;
    for (CompletableFuture<LayerBatch> layer : waiting) {
      try {
        batches.add(layer.get());
      } catch (ExecutionException e) {
        failure = failure == null ? e.getCause() : failure;
      } catch (InterruptedException e) {
        // close() stops the pool's threads; the statistics are incomplete either way.
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while computing capture statistics", e);
      }
    }
    if (failure != null) {
      // A failed batch leaves its layers' statistics incomplete: no finish.
      throw Failures.unchecked(failure);
    }
    batches.forEach(LayerBatch::finish);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
