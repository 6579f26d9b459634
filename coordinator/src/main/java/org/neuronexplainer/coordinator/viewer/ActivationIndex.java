package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * The neurons by the tokens they fire on most: for each token key ({@link NeuronActivity#key}) the
 * neurons that keep it among their strongest tokens, with their largest activation on it. Built
 * once from the summaries and then read by many threads.
 */
final class ActivationIndex {

  private final List<NeuronActivity> neurons;
  private final Map<NeuronId, NeuronActivity> byNeuron;
  private final Map<String, int[]> postings; // token key -> positions in neurons, ascending

  private ActivationIndex(
      List<NeuronActivity> neurons,
      Map<NeuronId, NeuronActivity> byNeuron,
      Map<String, int[]> postings) {
    this.neurons = neurons;
    this.byNeuron = byNeuron;
    this.postings = postings;
  }

  static ActivationIndex build(List<NeuronActivity> summaries) {
    List<NeuronActivity> neurons = new ArrayList<>(summaries);
    neurons.sort(Comparator.comparing(NeuronActivity::neuron));
    Map<NeuronId, NeuronActivity> byNeuron = new HashMap<>(neurons.size() * 2);
    // Two passes, counting then filling, so that no posting is ever a list of boxed ints.
    Map<String, int[]> counts = new HashMap<>();
    for (NeuronActivity n : neurons) {
      byNeuron.put(n.neuron(), n);
      for (String token : n.tokens()) {
        counts.computeIfAbsent(token, t -> new int[1])[0]++;
      }
    }
    Map<String, int[]> postings = new HashMap<>(counts.size() * 2);
    counts.forEach((token, count) -> postings.put(token, new int[count[0]]));
    for (int i = 0; i < neurons.size(); i++) {
      for (String token : neurons.get(i).tokens()) {
        postings.get(token)[--counts.get(token)[0]] = i;
      }
    }
    postings.values().forEach(Arrays::sort);
    return new ActivationIndex(List.copyOf(neurons), byNeuron, postings);
  }

  int size() {
    return neurons.size();
  }

  /** The summary of {@code id}, or null where the store has no readable record of it. */
  NeuronActivity get(NeuronId id) {
    return byNeuron.get(id);
  }

  /** One hit: the neuron and its activation on the query. */
  record Hit(NeuronActivity neuron, double activation) {}

  /** A page of hits and how many matched in all. */
  record Result(List<Hit> hits, int total) {}

  /**
   * The neurons whose strongest tokens hold every word of {@code query}, ranked by their largest
   * activation on any of its words, that pass {@code accepts}; {@code offset} and {@code limit} cut
   * the page. A query of one token ("Canada", " Canada") is one word.
   */
  Result search(String query, Predicate<NeuronActivity> accepts, int offset, int limit) {
    List<String> words = words(query);
    if (words.isEmpty()) {
      return new Result(List.of(), 0);
    }
    int[] candidates = null;
    for (String word : words) {
      int[] docs = postings.getOrDefault(word, new int[0]);
      candidates = candidates == null ? docs : intersect(candidates, docs);
    }
    int wanted = Math.max(0, offset) + Math.max(0, limit);
    Comparator<Hit> worstFirst =
        Comparator.comparingDouble(Hit::activation)
            .thenComparing(h -> h.neuron().neuron(), Comparator.reverseOrder());
    PriorityQueue<Hit> best = new PriorityQueue<>(Math.max(1, wanted + 1), worstFirst);
    int total = 0;
    for (int doc : candidates) {
      NeuronActivity n = neurons.get(doc);
      if (!accepts.test(n)) {
        continue;
      }
      total++;
      double activation = Double.NEGATIVE_INFINITY;
      for (String word : words) {
        activation = Math.max(activation, n.activationOn(word));
      }
      Hit hit = new Hit(n, activation);
      if (wanted == 0) {
        continue;
      }
      if (best.size() < wanted) {
        best.add(hit);
      } else if (worstFirst.compare(hit, best.peek()) > 0) {
        best.poll();
        best.add(hit);
      }
    }
    List<Hit> ranked = new ArrayList<>(best);
    ranked.sort(worstFirst.reversed());
    int from = Math.min(Math.max(0, offset), ranked.size());
    return new Result(List.copyOf(ranked.subList(from, ranked.size())), total);
  }

  /** The query's words as token keys: split at whitespace, so a piece of text is its words. */
  static List<String> words(String query) {
    if (query == null) {
      return List.of();
    }
    String whole = NeuronActivity.key(query);
    if (whole.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(whole.split("\\s+")).filter(w -> !w.isEmpty()).distinct().toList();
  }

  private static int[] intersect(int[] a, int[] b) {
    int[] out = new int[Math.min(a.length, b.length)];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        out[n++] = a[i];
        i++;
        j++;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
