package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.ParseRetries;

/**
 * An explainer that asks a model: building the request and parsing the response are separate pure
 * steps, so the CLI can print the request without sending it and tests can feed recorded responses.
 */
public interface LlmExplainer extends Explainer {

  /** The request this explainer would send for {@code input}. */
  ExplainRequest request(ExplainerInput input);

  /**
   * The explanations in a response body (chat or completions), one per usable choice.
   *
   * @throws ExplanationParseException when the response has no usable choice
   */
  List<Explanation> parse(JsonNode response);

  /**
   * Sends the request and parses the answer; an answer without an explanation is asked for again
   * (bypassing and cleaning the cache, see {@link ParseRetries}) up to {@link #MAX_ATTEMPTS} times.
   */
  @Override
  default CompletionStage<List<Explanation>> explain(ExplainerInput input, LlmTransport llm) {
    return ParseRetries.send(
        llm,
        List.of(request(input).request()),
        responses -> parse(responses.get(0)),
        ExplanationParseException.class,
        MAX_ATTEMPTS,
        (attempts, last) ->
            new ExplanationParseException(
                "no explanation in the response after " + attempts + " attempts", last));
  }

  /** Attempts per explanation request when responses hold no explanation. */
  int MAX_ATTEMPTS = 3;
}
