package org.neuronexplainer.coordinator.progress;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;

/**
 * Every run's progress, fed by the events follower and read by the API and metrics. Thread-safe:
 * one lock, held only for in-memory work.
 */
public final class ProgressBoard {

  /** Neuron units ({@code layer:index}) in numeric order. */
  public static final Comparator<String> UNIT_ORDER =
      Comparator.comparingInt((String u) -> part(u, 0)).thenComparingInt(u -> part(u, 1));

  private final Map<String, RunProgress> runs = new TreeMap<>();
  private final Listener listener;

  /** Told when a neuron becomes done for the first time (for the completed counter). */
  @FunctionalInterface
  public interface Listener {
    void completed(String runId);
  }

  public ProgressBoard(Listener listener) {
    this.listener = listener;
  }

  public void apply(StageEvent event) {
    boolean completed;
    synchronized (this) {
      completed = run(event.runId()).apply(event);
    }
    if (completed) {
      listener.completed(event.runId());
    }
  }

  public synchronized void plan(String runId, List<String> units) {
    run(runId).plan(units);
  }

  /** Registers a capture run's planned units of a stage (capture, collate or weights). */
  public synchronized void planUnits(String runId, Stage stage, List<String> units) {
    run(runId).planUnits(stage, units);
  }

  /** Marks a capture run's failed units of a stage pending again, as they are re-queued. */
  public synchronized void requeuedUnits(String runId, Stage stage, List<String> units) {
    run(runId).requeuedUnits(stage, units);
  }

  public synchronized void skipped(String runId, Collection<String> units, String reason) {
    run(runId).skipped(units, reason);
  }

  public synchronized void requeued(String runId, List<String> units) {
    run(runId).requeued(units);
  }

  /** See {@link RunProgress#resumed}. */
  public synchronized void resumed(String runId, Map<String, Double> done, List<String> pending) {
    run(runId).resumed(done, pending);
  }

  /** See {@link RunProgress#resumed(Map, Map, List)}. */
  public synchronized void resumed(
      String runId,
      Map<String, Double> done,
      Map<String, Map<String, Double>> scores,
      List<String> pending) {
    run(runId).resumed(done, scores, pending);
  }

  /** See {@link RunProgress#resumedUnits}. */
  public synchronized void resumedUnits(
      String runId, Stage stage, List<String> succeeded, List<String> pending) {
    run(runId).resumedUnits(stage, succeeded, pending);
  }

  private RunProgress run(String runId) {
    return runs.computeIfAbsent(runId, id -> new RunProgress(id));
  }

  /** Reads a run under the lock; empty when no event or plan of it was seen. */
  public synchronized <T> Optional<T> read(String runId, Function<RunProgress, T> reader) {
    RunProgress p = runs.get(runId);
    return p == null ? Optional.empty() : Optional.of(reader.apply(p));
  }

  public synchronized List<String> runIds() {
    return List.copyOf(runs.keySet());
  }

  private static int part(String unit, int i) {
    String[] parts = unit.split(":");
    try {
      return Integer.parseInt(parts[Math.min(i, parts.length - 1)]);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }
}
