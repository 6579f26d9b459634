package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a run would send and cost, counted from the requests its workers would build, before
 * anything is sent ({@code run --dry-run}, {@code POST /api/runs/estimate}).
 *
 * @param neurons the planned neurons counted
 * @param calls LLM calls in all (explanation, simulation and classification), revision rounds left
 *     out; 0 for the baseline backends
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
 * @param scorers each of the run's scorers (simulation first, then the classification scorers in
 *     the run's order): its share of {@code calls} and the tokens; empty in an estimate from before
 *     there were other scorers
 * @param revisions the most the run's revision rounds may add on top of the figures above, or null
 *     when the run revises nothing
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
    List<String> assumptions,
    List<Scorer> scorers,
    @JsonInclude(JsonInclude.Include.NON_NULL) Revisions revisions) {

  @JsonCreator
  public RunEstimate {
    assumptions = List.copyOf(assumptions);
    scorers = scorers == null ? List.of() : List.copyOf(scorers);
  }

  /** An estimate with no per-scorer figures and no revision rounds. */
  public RunEstimate(
      int neurons,
      long calls,
      long explanationCalls,
      long simulationCalls,
      long promptTokens,
      long completionTokens,
      String model,
      String tokenizer,
      boolean exact,
      Double costUsd,
      Double batchCostUsd,
      List<String> assumptions) {
    this(
        neurons,
        calls,
        explanationCalls,
        simulationCalls,
        promptTokens,
        completionTokens,
        model,
        tokenizer,
        exact,
        costUsd,
        batchCostUsd,
        assumptions,
        List.of(),
        null);
  }

  /**
   * One scorer's calls over the run, every explanation of every neuron.
   *
   * @param scorer its config name: {@code simulation}, {@code detection} or {@code fuzzing}
   * @param calls its calls; 0 when it calls no model (the baseline simulator and classifier)
   * @param promptTokens their prompt tokens
   * @param completionTokens their completion tokens at most
   */
  public record Scorer(String scorer, long calls, long promptTokens, long completionTokens) {}

  /**
   * The most revision rounds may cost, which cannot be counted before the rounds' prompts exist:
   * each round is taken to be about one explanation's scoring by every scorer of the run plus one
   * explainer call asking for one explanation, for every neuron.
   *
   * @param rounds the most rounds a neuron may take
   * @param callsPerRound the calls of one round over every neuron
   * @param promptTokensPerRound their prompt tokens
   * @param completionTokensPerRound their completion tokens at most
   * @param costUsd the price of every round sent one by one, or null when a model has no price
   */
  public record Revisions(
      int rounds,
      long callsPerRound,
      long promptTokensPerRound,
      long completionTokensPerRound,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double costUsd) {

    /** The calls of every round, at most. */
    public long calls() {
      return rounds * callsPerRound;
    }

    /** The prompt tokens of every round, at most. */
    public long promptTokens() {
      return rounds * promptTokensPerRound;
    }

    /** The completion tokens of every round, at most. */
    public long completionTokens() {
      return rounds * completionTokensPerRound;
    }
  }
}
