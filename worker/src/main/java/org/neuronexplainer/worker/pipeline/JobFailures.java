package org.neuronexplainer.worker.pipeline;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.neuronexplainer.common.messaging.DroppedJobException;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.worker.classify.ClassificationParseException;
import org.neuronexplainer.worker.explain.ExplanationParseException;
import org.neuronexplainer.worker.llm.PermanentLlmException;
import org.neuronexplainer.worker.simulate.SimulationParseException;

/**
 * What a neuron job's failure means for the job: retried later (with a delay, within the run's
 * attempt budget) or failed now. The LLM client has retried each call already, so its failures
 * arrive as permanent; at the job level an outage (attempts exhausted on 5xx, 429, timeouts) may
 * well be over by the next attempt, while a rejected request (400, 401, ...) will be rejected
 * again. A response that never parsed has had its own retries: the neuron fails with the reason
 * rather than being scored as if the simulator had predicted nothing.
 */
final class JobFailures {

  private JobFailures() {}

  static RuntimeException classify(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof PermanentException
        || cause instanceof RetryableException
        || cause instanceof DroppedJobException) {
      return (RuntimeException) cause;
    }
    if (cause instanceof PermanentLlmException llm) {
      if (llm.unparseable()) {
        return new PermanentException("LLM answers did not parse: " + llm.getMessage(), llm);
      }
      return llm.attemptsExhausted()
          ? new RetryableException("LLM unavailable: " + llm.getMessage(), llm)
          : new PermanentException("LLM rejected the request: " + llm.getMessage(), llm);
    }
    if (cause instanceof SimulationParseException || cause instanceof ExplanationParseException) {
      return new PermanentException(
          "LLM answers did not parse: " + cause.getMessage() + reason(cause.getCause()), cause);
    }
    if (cause instanceof ClassificationParseException unparsed) {
      // Its message names the scorer, the attempts and the last reason already.
      return new PermanentException(
          "LLM answers did not parse: " + unparsed.getMessage(), unparsed);
    }
    if (cause instanceof IllegalArgumentException bad) {
      // Too few records for the splits, no model configured and the like: the same input fails
      // the same way again.
      return new PermanentException(bad.getMessage(), bad);
    }
    return new RetryableException(String.valueOf(cause), cause);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String reason(Throwable last) {
    return last == null || last.getMessage() == null ? "" : " (last: " + last.getMessage() + ")";
  }
}
