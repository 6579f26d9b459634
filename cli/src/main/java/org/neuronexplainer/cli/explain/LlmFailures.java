package org.neuronexplainer.cli.explain;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.worker.explain.ExplanationParseException;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.PermanentLlmException;
import org.neuronexplainer.worker.simulate.SimulationParseException;

/** Turns the failure of a neuron's run into the one line the user sees, with what to do. */
final class LlmFailures {
  private LlmFailures() {}

  /** The user-facing failure for {@code error}; other errors are returned as they are. */
  static RuntimeException explain(Throwable error, NeuronId neuron, LlmConfig config) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String which = "neuron " + neuron.layerIndex() + ":" + neuron.neuronIndex() + " failed: ";
    if (cause instanceof PermanentLlmException e) {
      return new UserException(which + llmMessage(e, config), 3);
    }
    if (cause instanceof SimulationParseException || cause instanceof ExplanationParseException) {
      return new UserException(
          which
              + cause.getMessage()
              + (cause.getCause() == null ? "" : " (" + cause.getCause().getMessage() + ")")
              + "; does the server support this backend? (see docs/llm.md, Backends)",
          4);
    }
    if (cause instanceof IllegalArgumentException e) {
      return new UserException(which + e.getMessage());
    }
    return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
  }

  private static String llmMessage(PermanentLlmException e, LlmConfig config) {
    if (e.status() == 0 && e.attemptsExhausted()) {
      return unreachable(e, config);
    }
    String status = e.status() == 0 ? "no response" : "HTTP " + e.status();
    return "LLM call failed with "
        + status
        + ": "
        + hint(e, config)
        + " ["
        + oneLine(e.getMessage())
        + "]";
  }

  /** Nothing answered any attempt: the endpoint, what happened, and what to change. */
  private static String unreachable(PermanentLlmException e, LlmConfig config) {
    return "the LLM endpoint "
        + config.baseUrl()
        + " is unreachable ("
        + e.reason()
        + " on "
        + e.attempts()
        + " attempts); check --llm-url (LLM_BASE_URL) and that the server is running,"
        + " or raise --llm-max-attempts (LLM_MAX_ATTEMPTS) to wait longer";
  }

  private static String hint(PermanentLlmException e, LlmConfig config) {
    if (e.status() == 0) {
      return "cannot reach " + config.baseUrl() + " after " + e.attempts() + " attempts";
    }
    return switch (e.status()) {
      case 401, 403 -> "check the API key (LLM_API_KEY, or the variable --llm-key-env names)";
      case 404 -> "check the URL and the model (--llm-url, --llm-model)";
      case 400, 422 -> "the server rejected the request; run `prompt` to see it";
      default ->
          e.attemptsExhausted()
              ? "gave up after "
                  + e.attempts()
                  + " attempts; try later or lower --llm-max-concurrency"
              : "see the server's answer";
    };
  }

  private static String oneLine(String text) {
    String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
  }
}
