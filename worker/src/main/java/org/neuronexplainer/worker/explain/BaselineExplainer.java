package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.records.Normalization;

/**
 * An explainer with no model: it names the tokens that characterise the neuron in its train
 * records. A token qualifies by its mean normalized activation (0..10, docs/method.md 3.1) over its
 * occurrences; it needs {@code minOccurrences} occurrences so that one lucky token does not win,
 * unless no token has that many. The best tokens within half of the top mean are named, at most
 * {@code maxTokens}, ties broken by count and then by text, so the result is deterministic.
 *
 * <p>Asked for k explanations (docs/method.md 16.1), it writes up to k distinct ones: the i-th
 * (from 0) names the best i + 1 tokens, ranked as above but without the half-of-the-top cutoff and
 * the {@code maxTokens} limit; fewer than k when fewer tokens fire. One explanation (k of 1, or
 * none asked for) is the single explanation above, unchanged.
 *
 * <p>Tokens are written as JSON string literals ({@code the tokens " Canada", " Canadian" and "
 * Ottawa"}), which {@code BaselineSimulator} reads back exactly.
 */
public final class BaselineExplainer implements Explainer {
  public static final int DEFAULT_MIN_OCCURRENCES = 2;
  public static final int DEFAULT_MAX_TOKENS = 3;

  /** What the explanation says when no token of the train records activates the neuron. */
  public static final String NOTHING = "no token: the neuron is silent on its top records";

  private final int minOccurrences;
  private final int maxTokens;
  private final int explanations;

  /**
   * @param explanations k, the most explanations per neuron; 1 for the single one
   */
  public BaselineExplainer(int minOccurrences, int maxTokens, int explanations) {
    if (minOccurrences < 1 || maxTokens < 1 || explanations < 1) {
      throw new IllegalArgumentException(
          "min occurrences, max tokens and explanations must be at least 1");
    }
    this.minOccurrences = minOccurrences;
    this.maxTokens = maxTokens;
    this.explanations = explanations;
  }

  public BaselineExplainer(int minOccurrences, int maxTokens) {
    this(minOccurrences, maxTokens, 1);
  }

  public BaselineExplainer() {
    this(DEFAULT_MIN_OCCURRENCES, DEFAULT_MAX_TOKENS);
  }

  /** The default explainer writing up to {@code explanations} explanations; null means one. */
  public static BaselineExplainer withExplanations(Integer explanations) {
    return new BaselineExplainer(
        DEFAULT_MIN_OCCURRENCES, DEFAULT_MAX_TOKENS, explanations == null ? 1 : explanations);
  }

  @Override
  public CompletionStage<List<Explanation>> explain(ExplainerInput input, LlmTransport llm) {
    List<ActivationRecord> records = input.trainRecords();
    if (explanations == 1) {
      return CompletableFuture.completedFuture(List.of(explain(records)));
    }
    return CompletableFuture.completedFuture(variants(records, explanations));
  }

  /**
   * Up to {@code k} distinct explanations: the i-th names the best i + 1 tokens of the uncut
   * ranking; the {@link #NOTHING} explanation alone when no token fires.
   */
  public List<Explanation> variants(List<ActivationRecord> records, int k) {
    List<String> ranked = ranked(records).stream().map(s -> s.token).toList();
    if (ranked.isEmpty()) {
      return List.of(Explanation.of(NOTHING));
    }
    List<Explanation> variants = new ArrayList<>();
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      variants.add(Explanation.of(sentence(ranked.subList(0, i + 1))));
    }
    return variants;
  }

  /** The explanation of a neuron whose train records are {@code records}. */
  public Explanation explain(List<ActivationRecord> records) {
    List<String> tokens = characteristicTokens(records);
    return Explanation.of(tokens.isEmpty() ? NOTHING : sentence(tokens));
  }

  /** The tokens the explanation names, best first. */
  public List<String> characteristicTokens(List<ActivationRecord> records) {
    List<TokenStats> ranked = ranked(records);
    if (ranked.isEmpty()) {
      return List.of();
    }
    double floor = ranked.get(0).mean() / 2;
    return ranked.stream()
        .filter(s -> s.mean() >= floor)
        .limit(maxTokens)
        .map(s -> s.token)
        .toList();
  }

  /** Every firing token, best first, before any cutoff. */
  private List<TokenStats> ranked(List<ActivationRecord> records) {
    double max = Normalization.maxActivation(records);
    Map<String, TokenStats> stats = new LinkedHashMap<>();
    for (ActivationRecord record : records) {
      int[] values = Normalization.normalize(record, max);
      for (int t = 0; t < values.length; t++) {
        stats.computeIfAbsent(record.tokens().get(t), TokenStats::new).add(values[t]);
      }
    }
    List<TokenStats> firing = stats.values().stream().filter(s -> s.mean() > 0).toList();
    List<TokenStats> stable = firing.stream().filter(s -> s.count >= minOccurrences).toList();
    List<TokenStats> ranked = new ArrayList<>(stable.isEmpty() ? firing : stable);
    ranked.sort(
        Comparator.comparingDouble(TokenStats::mean)
            .reversed()
            .thenComparing(Comparator.comparingInt((TokenStats s) -> s.count).reversed())
            .thenComparing(s -> s.token));
    return ranked;
  }

  /** {@code the token "a"}, {@code the tokens "a" and "b"}, {@code the tokens "a", "b" and "c"}. */
  public static String sentence(List<String> tokens) {
    List<String> quoted = tokens.stream().map(t -> new TextNode(t).toString()).toList();
    if (quoted.size() == 1) {
      return "the token " + quoted.get(0);
    }
    String head = String.join(", ", quoted.subList(0, quoted.size() - 1));
    return "the tokens " + head + " and " + quoted.get(quoted.size() - 1);
  }

  private static final class TokenStats {
    final String token;
    int count;
    long sum;

    TokenStats(String token) {
      this.token = token;
    }

    void add(int value) {
      count++;
      sum += value;
    }

    double mean() {
      return (double) sum / count;
    }
  }
}
