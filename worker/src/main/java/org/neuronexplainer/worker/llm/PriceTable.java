package org.neuronexplainer.worker.llm;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prices per model, parsed from {@code LLM_PRICES}: comma-separated {@code
 * model=prompt:completion}, {@code model=prompt:completion:cachedPrompt} or {@code
 * model=prompt:completion:cachedPrompt:batchPrompt:batchCompletion}, in US dollars per million
 * tokens, e.g. {@code gpt-4o=2.5:10:1.25,gpt-4o-mini=0.15:0.6}. Without a cached price, cached
 * prompt tokens cost the prompt price; without batch prices, batch calls cost half the synchronous
 * prices ({@link ModelPrice#BATCH_FACTOR}).
 */
public record PriceTable(Map<String, ModelPrice> prices) {

  public static final PriceTable EMPTY = new PriceTable(Map.of());

  public PriceTable {
    prices = Map.copyOf(prices);
  }

  /**
   * The price for {@code model}: an exact match, else the longest configured name that the model
   * starts with followed by '-' (so {@code gpt-4o} prices {@code gpt-4o-2024-08-06}, which is what
   * servers report, but not {@code gpt-4o-mini} when that has a price of its own).
   */
  public Optional<ModelPrice> lookup(String model) {
    if (model == null) {
      return Optional.empty();
    }
    ModelPrice exact = prices.get(model);
    if (exact != null) {
      return Optional.of(exact);
    }
    String best = null;
    for (String name : prices.keySet()) {
      if (model.startsWith(name + "-") && (best == null || name.length() > best.length())) {
        best = name;
      }
    }
    return Optional.ofNullable(best).map(prices::get);
  }

  /** Parses the {@code LLM_PRICES} syntax; throws IllegalArgumentException naming the bad entry. */
  public static PriceTable parse(String spec) {
    Map<String, ModelPrice> prices = new TreeMap<>();
    if (spec == null || spec.isBlank()) {
      return EMPTY;
    }
    for (String entry : spec.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.lastIndexOf('=');
      String model = eq < 0 ? "" : trimmed.substring(0, eq).trim();
      String[] parts = eq < 0 ? new String[0] : trimmed.substring(eq + 1).split(":", -1);
      if (model.isEmpty() || parts.length < 2 || parts.length == 4 || parts.length > 5) {
        throw new IllegalArgumentException(
            "price entry '"
                + trimmed
                + "' is not model=prompt:completion[:cachedPrompt[:batchPrompt:batchCompletion]]");
      }
      try {
        double prompt = Double.parseDouble(parts[0].trim());
        double completion = Double.parseDouble(parts[1].trim());
        double cached = parts.length >= 3 ? Double.parseDouble(parts[2].trim()) : prompt;
        prices.put(
            model,
            parts.length == 5
                ? new ModelPrice(
                    prompt,
                    completion,
                    cached,
                    Double.parseDouble(parts[3].trim()),
                    Double.parseDouble(parts[4].trim()))
                : new ModelPrice(prompt, completion, cached));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "price entry '" + trimmed + "' needs non-negative numbers: " + e.getMessage(), e);
      }
    }
    return new PriceTable(prices);
  }
}
