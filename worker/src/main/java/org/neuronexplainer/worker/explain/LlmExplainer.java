package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.worker.prompt.LlmTransport;

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

  @Override
  default CompletionStage<List<Explanation>> explain(ExplainerInput input, LlmTransport llm) {
    return llm.send(request(input).request()).thenApply(this::parse);
  }
}
