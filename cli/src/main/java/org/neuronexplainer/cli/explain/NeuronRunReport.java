package org.neuronexplainer.cli.explain;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.worker.llm.UsageTotals;
import org.neuronexplainer.worker.score.ExplainAndScore;

/** What {@code explain-neuron} prints: each explanation with its score, then the calls used. */
final class NeuronRunReport {
  private NeuronRunReport() {}

  static void print(
      PrintWriter out,
      ExplainAndScore.Outcome outcome,
      UsageTotals usage,
      String model,
      Path file) {
    NeuronId id = outcome.results().neuronId();
    List<ScoredExplanation> scored = outcome.results().scoredExplanations();
    out.printf(
        "neuron %d:%d: %d explanation(s)%n", id.layerIndex(), id.neuronIndex(), scored.size());
    for (ScoredExplanation explanation : scored) {
      out.printf(
          "  score %s  %s%n",
          score(explanation.scoredSimulation().evCorrelationScore()), explanation.explanation());
    }
    if (usage == null) {
      out.println("LLM: no calls (baseline backends)");
    } else {
      out.printf(
          Locale.ROOT,
          "LLM %s: %d calls (%d from the cache, %d HTTP requests, %d failed); tokens: %d prompt"
              + " (%d cached), %d completion; cost: %s%n",
          model,
          usage.calls(),
          usage.cacheHits(),
          usage.httpAttempts(),
          usage.failures(),
          usage.promptTokens(),
          usage.cachedPromptTokens(),
          usage.completionTokens(),
          cost(usage));
    }
    out.println("wrote " + file);
    out.flush();
  }

  private static String score(double value) {
    return Double.isNaN(value) ? "    -" : String.format(Locale.ROOT, "%5.3f", value);
  }

  private static String cost(UsageTotals usage) {
    String dollars = String.format(Locale.ROOT, "$%.4f", usage.costUsd());
    return usage.unpricedCalls() == 0
        ? dollars
        : dollars + " + " + usage.unpricedCalls() + " calls without a price (LLM_PRICES)";
  }
}
