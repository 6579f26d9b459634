package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * An in-memory BM25 index over explanations, built once and then read by many threads. Postings are
 * parallel int arrays per term, so a full GPT-2 XL index (307,200 explanations) stays small and a
 * query touches only the documents that hold its terms.
 */
public final class ExplanationIndex {

  // The usual BM25 constants; explanations are one sentence, so length matters little either way.
  private static final double K1 = 1.2;
  private static final double B = 0.75;

  private final List<ExplanationEntry> entries;
  private final Map<String, int[][]> postings; // term -> {doc ids ascending, term frequencies}
  private final int[] lengths;
  private final double averageLength;

  private ExplanationIndex(
      List<ExplanationEntry> entries, Map<String, int[][]> postings, int[] lengths) {
    this.entries = entries;
    this.postings = postings;
    this.lengths = lengths;
    this.averageLength = Math.max(1.0, Arrays.stream(lengths).average().orElse(1.0));
  }

  /** Builds the index over {@code entries} (kept in the given order). */
  public static ExplanationIndex build(List<ExplanationEntry> entries) {
    List<ExplanationEntry> docs = List.copyOf(entries);
    Map<String, IntPairs> growing = new HashMap<>();
    int[] lengths = new int[docs.size()];
    for (int doc = 0; doc < docs.size(); doc++) {
      List<String> terms = SearchTerms.of(docs.get(doc).explanation());
      lengths[doc] = terms.size();
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String term : terms) {
        counts.merge(term, 1, Integer::sum);
      }
      for (Map.Entry<String, Integer> count : counts.entrySet()) {
        growing.computeIfAbsent(count.getKey(), t -> new IntPairs()).add(doc, count.getValue());
      }
    }
    Map<String, int[][]> postings = new HashMap<>(growing.size() * 2);
    growing.forEach((term, pairs) -> postings.put(term, pairs.toArrays()));
    return new ExplanationIndex(docs, postings, lengths);
  }

  public List<ExplanationEntry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public int termCount() {
    return postings.size();
  }

  /** One search hit: the entry and its relevance (0 for a query without words). */
  public record Hit(ExplanationEntry entry, double relevance) {}

  /** A page of hits and how many matched in all. */
  public record Result(List<Hit> hits, int total) {}

  /**
   * The best {@code limit} hits after {@code offset} for the words of {@code query} (any word
   * matches; more and rarer words rank higher) that pass {@code filter}. A query without words
   * lists the filtered explanations by score, best first.
   */
  public Result search(String query, SearchFilter filter, int offset, int limit) {
    return search(query, filter::accepts, offset, limit);
  }

  /** As {@link #search(String, SearchFilter, int, int)}, keeping what {@code accepts}. */
  public Result search(String query, Predicate<ExplanationEntry> accepts, int offset, int limit) {
    List<String> terms = SearchTerms.of(query == null ? "" : query).stream().distinct().toList();
    int wanted = Math.max(0, offset) + Math.max(0, limit);
    Comparator<Hit> worstFirst =
        Comparator.comparingDouble(Hit::relevance)
            .thenComparingDouble(h -> scoreOrWorst(h.entry()))
            .thenComparing(h -> h.entry().neuron(), Comparator.reverseOrder());
    PriorityQueue<Hit> best = new PriorityQueue<>(Math.max(1, wanted + 1), worstFirst);
    int total = 0;
    if (terms.isEmpty()) {
      for (ExplanationEntry entry : entries) {
        if (accepts.test(entry)) {
          total++;
          offer(best, new Hit(entry, 0), wanted, worstFirst);
        }
      }
    } else {
      double[] relevance = new double[entries.size()];
      int[] touched = accumulate(terms, relevance);
      for (int doc : touched) {
        if (accepts.test(entries.get(doc))) {
          total++;
          offer(best, new Hit(entries.get(doc), relevance[doc]), wanted, worstFirst);
        }
      }
    }
    List<Hit> ranked = new ArrayList<>(best);
    ranked.sort(worstFirst.reversed());
    int from = Math.min(Math.max(0, offset), ranked.size());
    return new Result(List.copyOf(ranked.subList(from, ranked.size())), total);
  }

  /** Adds each term's BM25 weight into {@code relevance}; returns the documents it touched. */
  private int[] accumulate(List<String> terms, double[] relevance) {
    int n = entries.size();
    int[] touched = new int[16];
    int count = 0;
    for (String term : terms) {
      int[][] posting = postings.get(term);
      if (posting == null) {
        continue;
      }
      int[] docs = posting[0];
      int[] frequencies = posting[1];
      double idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5));
      for (int i = 0; i < docs.length; i++) {
        int doc = docs[i];
        double tf = frequencies[i];
        double norm = K1 * (1 - B + B * lengths[doc] / averageLength);
        if (relevance[doc] == 0) {
          if (count == touched.length) {
            touched = Arrays.copyOf(touched, count * 2);
          }
          touched[count++] = doc; // idf > 0 always, so a document is added once
        }
        relevance[doc] += idf * tf * (K1 + 1) / (tf + norm);
      }
    }
    return Arrays.copyOf(touched, count);
  }

  private static void offer(PriorityQueue<Hit> best, Hit hit, int wanted, Comparator<Hit> order) {
    if (wanted == 0) {
      return;
    }
    if (best.size() < wanted) {
      best.add(hit);
    } else if (order.compare(hit, best.peek()) > 0) {
      best.poll();
      best.add(hit);
    }
  }

  private static double scoreOrWorst(ExplanationEntry entry) {
    return Double.isNaN(entry.score()) ? Double.NEGATIVE_INFINITY : entry.score();
  }

  /** A growable pair of int lists; boxing 3 M postings would cost more than the index itself. */
  private static final class IntPairs {
    private int[] firsts = new int[4];
    private int[] seconds = new int[4];
    private int size;

    void add(int first, int second) {
      if (size == firsts.length) {
        firsts = Arrays.copyOf(firsts, size * 2);
        seconds = Arrays.copyOf(seconds, size * 2);
      }
      firsts[size] = first;
      seconds[size] = second;
      size++;
    }

    int[][] toArrays() {
      return new int[][] {Arrays.copyOf(firsts, size), Arrays.copyOf(seconds, size)};
    }
  }
}
