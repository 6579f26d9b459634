package org.neuronexplainer.worker.estimate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.neuronexplainer.worker.llm.ModelPrice;
import org.neuronexplainer.worker.llm.PriceTable;

/**
 * Calls and tokens of one part of a run (the explainer, one scorer, one revision round), with the
 * tokens kept by the model that is sent them, since each is priced at its own rate. Not
 * thread-safe.
 */
final class Counts {
  private final Map<String, long[]> tokensByModel = new LinkedHashMap<>();
  private long calls;
  private long promptTokens;
  private long completionTokens;

  void add(String model, long prompt, long completion) {
    calls++;
    promptTokens += prompt;
    completionTokens += completion;
    long[] sum = tokensByModel.computeIfAbsent(model, m -> new long[2]);
    sum[0] += prompt;
    sum[1] += completion;
  }

  void addAll(Counts other) {
    calls += other.calls;
    promptTokens += other.promptTokens;
    completionTokens += other.completionTokens;
    other.tokensByModel.forEach(
        (model, sum) -> {
          long[] mine = tokensByModel.computeIfAbsent(model, m -> new long[2]);
          mine[0] += sum[0];
          mine[1] += sum[1];
        });
  }

  long calls() {
    return calls;
  }

  long promptTokens() {
    return promptTokens;
  }

  long completionTokens() {
    return completionTokens;
  }

  /** The price of every call, one by one or through the batch API; null when a model has none. */
  Double cost(PriceTable prices, boolean batch) {
    double cost = 0;
    for (Map.Entry<String, long[]> entry : tokensByModel.entrySet()) {
      Optional<ModelPrice> price = prices.lookup(entry.getKey());
      if (price.isEmpty()) {
        return null;
      }
      long[] sum = entry.getValue();
      cost += batch ? price.get().batchCost(sum[0], sum[1]) : price.get().cost(sum[0], sum[1]);
    }
    return cost;
  }
}
