package org.neuronexplainer.worker.llm;

import java.time.Duration;

/**
 * Told about every call an {@link LlmClient} finishes, for metrics. An interface here rather than
 * meters in the client: the client stays free of any metrics library, and the worker process, which
 * owns the registry, decides names and labels.
 *
 * <p>Called on the client's threads once per call, after it completes; an implementation must be
 * quick and must not throw (a throw is swallowed so that it cannot fail the call).
 */
@FunctionalInterface
public interface LlmCallListener {

  /** How a call ended. */
  enum Outcome {
    /** Answered by the endpoint. */
    SUCCESS,
    /** Answered by the response cache, without an HTTP call. */
    CACHED,
    /** Failed with the endpoint still answering 429 when the attempts ran out. */
    RATE_LIMITED,
    /** Failed otherwise: a rejected request, an outage, a timeout. */
    ERROR
  }

  /**
   * @param model the model the request named
   * @param endpoint the endpoint kind
   * @param latency from the call's start to its end, waits and retries included
   * @param usage the call's tokens ({@link TokenUsage#NONE} for a failure or a cache hit)
   * @param costUsd the call's cost, 0 when unpriced, cached or failed
   */
  void called(
      String model,
      EndpointKind endpoint,
      Outcome outcome,
      Duration latency,
      TokenUsage usage,
      double costUsd);

  LlmCallListener NONE = (model, endpoint, outcome, latency, usage, costUsd) -> {};
}
