package org.neuronexplainer.coordinator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunService;

/**
 * Every meter the coordinator owns (docs/metrics.md): neurons per run and state, runs per state, a
 * run's estimated time left and its completed neurons. The run id is a label: runs are few.
 */
public final class CoordinatorMetrics implements ProgressBoard.Listener {

  private final MeterRegistry registry;
  private final Set<String> registeredRuns = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> completed = new ConcurrentHashMap<>();
  private volatile ProgressBoard board;

  public CoordinatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Binds the gauges to their sources; call once both exist. */
  public void bind(ProgressBoard board, RunService runs) {
    this.board = board;
    for (RunState state : RunState.values()) {
      Gauge.builder(
              "neuronexplainer.runs",
              runs,
              r ->
                  r.statuses().values().stream()
                      .map(RunStatus::state)
                      .filter(state::equals)
                      .count())
          .description("runs per state")
          .tag("state", state.id())
          .register(registry);
    }
  }

  /** Registers a run's gauges (once per run). */
  public void registerRun(String runId) {
    ProgressBoard b = board;
    if (b == null || !registeredRuns.add(runId)) {
      return;
    }
    for (NeuronState state : NeuronState.values()) {
      Gauge.builder("neuronexplainer.neurons", b, x -> x.read(runId, p -> p.count(state)).orElse(0))
          .description("a run's neurons per state")
          .tags("run", runId, "state", state.id())
          .register(registry);
    }
    Gauge.builder(
            "neuronexplainer.run.eta",
            b,
            x -> x.read(runId, RunProgress::etaSeconds).orElse(Double.NaN))
        .description("estimated time left of a run")
        .baseUnit("seconds")
        .tag("run", runId)
        .register(registry);
    counter(runId);
  }

  private Counter counter(String runId) {
    return completed.computeIfAbsent(
        runId,
        id ->
            Counter.builder("neuronexplainer.run.neurons.completed")
                .description("neurons a run finished")
                .tag("run", id)
                .register(registry));
  }

  @Override
  public void completed(String runId) {
    registerRun(runId);
    counter(runId).increment();
  }
}
