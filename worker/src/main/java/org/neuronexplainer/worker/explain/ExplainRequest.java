package org.neuronexplainer.worker.explain;

import java.util.Objects;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Prompt;

/**
 * An explainer's request with the prompt it was built from.
 *
 * @param promptTokens the prompt's tokens as the explainer's {@link
 *     org.neuronexplainer.worker.prompt.TokenCounter} counts them
 */
public record ExplainRequest(LlmRequest request, Prompt prompt, int promptTokens) {

  public ExplainRequest {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(prompt, "prompt");
  }
}
