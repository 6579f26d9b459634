package org.neuronexplainer.worker.explain;

import java.util.Objects;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Prompt;

/**
 * An explainer's request with the prompt it was built from.
 *
 * @param estimatedPromptTokens the {@link org.neuronexplainer.worker.prompt.TokenCounter} estimate
 *     of the prompt
 */
public record ExplainRequest(LlmRequest request, Prompt prompt, int estimatedPromptTokens) {

  public ExplainRequest {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(prompt, "prompt");
  }
}
