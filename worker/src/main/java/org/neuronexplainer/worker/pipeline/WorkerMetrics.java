package org.neuronexplainer.worker.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.TokenUsage;

/**
 * Every meter a worker owns (docs/metrics.md): jobs by stage and outcome, stage durations, jobs in
 * flight, neurons scored and failed per scorer with the classification scorers' balanced accuracy,
 * and the LLM calls, latency, tokens and cost. Tag values are bounded: stage, outcome, scorer,
 * model, endpoint, kind.
 */
public final class WorkerMetrics implements LlmCallListener {

  /** Job outcomes, as docs/metrics.md names them. */
  public enum Outcome {
    SUCCEEDED("succeeded"),
    SKIPPED("skipped"),
    RETRIED("retried"),
    FAILED("failed"),
    DEAD_LETTERED("dead_lettered");

    final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }
  }

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  private final Counter capturedTokens;
  private final Timer modelLoads;

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Registered at zero in every worker, so dashboards see the series before a capture runs.
    this.capturedTokens =
        Counter.builder("neuronexplainer.capture.tokens")
            .description("tokens the subject model ran forward for capture jobs")
            .register(registry);
    this.modelLoads =
        Timer.builder("neuronexplainer.capture.model.load")
            .description("time to load the subject model (once per process and model)")
            .register(registry);
  }

  void capturedTokens(long tokens) {
    capturedTokens.increment(tokens);
  }

  void modelLoaded(long nanos) {
    modelLoads.record(Duration.ofNanos(nanos));
  }

  /** Registers a stage's meters at zero, so dashboards see the series before the first job. */
  public void registerStage(String stage) {
    inFlight(stage);
    for (Outcome outcome : Outcome.values()) {
      jobs(stage, outcome);
    }
    duration(stage, Outcome.SUCCEEDED);
  }

  /** Registers the per-scorer meters at zero, for the stage that scores neurons. */
  public void registerScorers() {
    for (String scorer : RunSpec.SCORERS) {
      scorerNeurons(scorer, "scored");
      scorerNeurons(scorer, "failed");
      if (!scorer.equals(RunSpec.SIMULATION)) {
        balancedAccuracy(scorer);
      }
    }
  }

  /**
   * A neuron scored by {@code scorer}; {@code score} is its mean balanced accuracy for a
   * classification scorer (null when undefined), recorded in that scorer's distribution.
   */
  void scored(String scorer, Double score) {
    scorerNeurons(scorer, "scored").increment();
    if (!scorer.equals(RunSpec.SIMULATION) && score != null && Double.isFinite(score)) {
      balancedAccuracy(scorer).record(score);
    }
  }

  /** A neuron whose {@code scorer} failed for good (its answers never parsed). */
  void scorerFailed(String scorer) {
    scorerNeurons(scorer, "failed").increment();
  }

  /** Registers the LLM meters of a model at zero. */
  public void registerModel(String model, String endpoint) {
    for (String outcome : new String[] {"success", "cached", "rate_limited", "error"}) {
      llmCalls(model, endpoint, outcome);
    }
    llmLatency(model, endpoint);
    for (String kind : new String[] {"prompt", "completion", "cached"}) {
      llmTokens(model, kind);
    }
    llmCost(model);
  }

  AtomicInteger inFlight(String stage) {
    return inFlight.computeIfAbsent(
        stage,
        s -> {
          AtomicInteger gauge = new AtomicInteger();
          registry.gauge("neuronexplainer.jobs.in.flight", Tags.of("stage", s), gauge);
          return gauge;
        });
  }

  /** A malformed message dead-lettered before any handler ran: no duration to record. */
  void deadLettered(String stage) {
    jobs(stage, Outcome.DEAD_LETTERED).increment();
  }

  void finished(String stage, Outcome outcome, long nanos) {
    jobs(stage, outcome).increment();
    duration(stage, outcome).record(Duration.ofNanos(nanos));
  }

  /**
   * One LLM exchange: outcome {@code success}, {@code cached}, {@code rate_limited} or {@code
   * error}.
   */
  public void llmCall(
      String model,
      String endpoint,
      String outcome,
      Duration latency,
      long promptTokens,
      long completionTokens,
      long cachedTokens,
      double costUsd) {
    llmCalls(model, endpoint, outcome).increment();
    if (latency != null) {
      llmLatency(model, endpoint).record(latency);
    }
    llmTokens(model, "prompt").increment(promptTokens);
    llmTokens(model, "completion").increment(completionTokens);
    llmTokens(model, "cached").increment(cachedTokens);
    llmCost(model).increment(costUsd);
  }

  /** The LLM client's report of one call (the client is built with this as its listener). */
  @Override
  public void called(
      String model,
      EndpointKind endpoint,
      LlmCallListener.Outcome outcome,
      Duration latency,
      TokenUsage usage,
      double costUsd) {
    llmCall(
        model,
        endpointTag(endpoint),
        outcome.name().toLowerCase(Locale.ROOT),
        // A cache hit's latency is a store read, not the endpoint's: kept out of the histogram.
        outcome == LlmCallListener.Outcome.CACHED ? null : latency,
        usage.promptTokens(),
        usage.completionTokens(),
        usage.cachedPromptTokens(),
        costUsd);
  }

  /** The endpoint label: {@code chat_completions} or {@code completions}. */
  public static String endpointTag(EndpointKind endpoint) {
    return endpoint.path().replace('/', '_');
  }

  private Counter jobs(String stage, Outcome outcome) {
    return Counter.builder("neuronexplainer.jobs")
        .description("jobs handled by this worker")
        .tags("stage", stage, "outcome", outcome.tag)
        .register(registry);
  }

  private Timer duration(String stage, Outcome outcome) {
    return Timer.builder("neuronexplainer.stage.duration")
        .description("time a stage spent on one job")
        .tags("stage", stage, "outcome", outcome.tag)
        .publishPercentileHistogram()
        .register(registry);
  }

  private Counter scorerNeurons(String scorer, String outcome) {
    return Counter.builder("neuronexplainer.scorer.neurons")
        .description("neurons a scorer scored, or failed for good")
        .tags("scorer", scorer, "outcome", outcome)
        .register(registry);
  }

  private DistributionSummary balancedAccuracy(String scorer) {
    return DistributionSummary.builder("neuronexplainer.scorer.balanced.accuracy")
        .description("a neuron's mean balanced accuracy under a classification scorer")
        .tags("scorer", scorer)
        .serviceLevelObjectives(0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        .register(registry);
  }

  private Counter llmCalls(String model, String endpoint, String outcome) {
    return Counter.builder("neuronexplainer.llm.calls")
        .tags("model", model, "endpoint", endpoint, "outcome", outcome)
        .register(registry);
  }

  private Timer llmLatency(String model, String endpoint) {
    return Timer.builder("neuronexplainer.llm.latency")
        .tags("model", model, "endpoint", endpoint)
        .publishPercentileHistogram()
        .register(registry);
  }

  private Counter llmTokens(String model, String kind) {
    return Counter.builder("neuronexplainer.llm.tokens")
        .tags("model", model, "kind", kind)
        .register(registry);
  }

  private Counter llmCost(String model) {
    return Counter.builder("neuronexplainer.llm.cost.usd").tags("model", model).register(registry);
  }
}
