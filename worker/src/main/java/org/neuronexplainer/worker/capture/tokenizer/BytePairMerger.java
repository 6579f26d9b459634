package org.neuronexplainer.worker.capture.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies BPE merges to one pre-tokenized piece: repeatedly merges every occurrence of the adjacent
 * pair with the lowest merge rank, until no adjacent pair has a rank.
 */
final class BytePairMerger {
  // Words repeat a lot in text; the cache is cleared rather than evicted once it grows this big.
  private static final int CACHE_LIMIT = 100_000;

  private final Map<String, Integer> ranks;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  /** {@code ranks} maps {@code "left right"} (byte-level strings never hold a space) to rank. */
  BytePairMerger(Map<String, Integer> ranks) {
    this.ranks = Map.copyOf(ranks);
  }

  /** The BPE symbols of a byte-level string. */
  List<String> merge(String word) {
    List<String> cached = cache.get(word);
    if (cached != null) {
      return cached;
    }
    List<String> symbols = mergeUncached(word);
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(word, symbols);
    return symbols;
  }

  private List<String> mergeUncached(String word) {
    List<String> symbols = new ArrayList<>(word.length());
    for (int i = 0; i < word.length(); i++) {
      symbols.add(String.valueOf(word.charAt(i)));
    }
    while (symbols.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      int bestAt = -1;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer rank = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) {
        break;
      }
      symbols = mergeAll(symbols, symbols.get(bestAt), symbols.get(bestAt + 1));
    }
    return List.copyOf(symbols);
  }

  private static List<String> mergeAll(List<String> symbols, String left, String right) {
    List<String> merged = new ArrayList<>(symbols.size());
    int i = 0;
    while (i < symbols.size()) {
      if (i + 1 < symbols.size()
          && symbols.get(i).equals(left)
          && symbols.get(i + 1).equals(right)) {
        merged.add(left + right);
        i += 2;
      } else {
        merged.add(symbols.get(i));
        i++;
      }
    }
    return merged;
  }
}
