package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a run would send and cost, counted from the requests its workers would build, before
 * anything is sent ({@code run --dry-run}, {@code POST /api/runs/estimate}).
 *
 * @param neurons the planned neurons counted
 * @param calls LLM calls in all (explanation and simulation); 0 for the baseline backends
 * @param explanationCalls calls of the explainer, one per neuron for a model-backed one
 * @param simulationCalls calls of the simulator
 * @param promptTokens prompt tokens of every call, counted with {@code tokenizer}
 * @param completionTokens completion tokens at most: each call's {@code max_tokens × n}
 * @param model the model the calls name, or null when no backend calls one
 * @param tokenizer the encoding that counted the prompt tokens, or null
 * @param exact whether the prompt tokens are exact: false when simulation prompts hold an assumed
 *     explanation (see {@code assumptions}) or the tokenizer estimates
 * @param costUsd the price of the calls sent one by one, or null when the model has no price
 * @param batchCostUsd the price of the same calls through the batch API, or null likewise
 * @param assumptions what the counts assume, in words, one sentence each
 */
public record RunEstimate(
    int neurons,
    long calls,
    long explanationCalls,
    long simulationCalls,
    long promptTokens,
    long completionTokens,
    @JsonInclude(JsonInclude.Include.NON_NULL) String model,
    @JsonInclude(JsonInclude.Include.NON_NULL) String tokenizer,
    boolean exact,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double costUsd,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double batchCostUsd,
    List<String> assumptions) {

  public RunEstimate {
    assumptions = List.copyOf(assumptions);
  }
}
