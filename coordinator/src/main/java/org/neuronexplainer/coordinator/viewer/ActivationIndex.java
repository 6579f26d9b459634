package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * The neurons by what they fire on: for each token key ({@link NeuronActivity#key}) the neurons
 * that keep it among their strongest tokens, and each neuron's top excerpts around their peaks for
 * a piece of text. Built once from the summaries and then read by many threads.
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
   * The neurons whose top excerpts hold {@code query} as text around their peaks ({@link
   * ExcerptWindows#match}: across token boundaries, whatever its case and spacing), or, for a query
   * of one word, whose strongest tokens hold it; ranked by the largest activation on the tokens the
   * match covers (or on the token), which must be above 0, that pass {@code accepts}. {@code
   * offset} and {@code limit} cut the page. Every neuron's windows are looked through, in parallel.
   */
  Result search(String query, Predicate<NeuronActivity> accepts, int offset, int limit) {
    String piece = ExcerptWindows.normalise(query);
    if (piece.isEmpty()) {
      return new Result(List.of(), 0);
    }
    List<String> words = words(query);
    String token = words.size() == 1 ? words.get(0) : null;
    int[] byToken = token == null ? new int[0] : postings.getOrDefault(token, new int[0]);
    double[] found = new double[neurons.size()];
    IntStream.range(0, neurons.size())
        .parallel()
        .forEach(i -> found[i] = neurons.get(i).windows().match(piece));
    for (int doc : byToken) {
      double onToken = neurons.get(doc).activationOn(token);
      if (Double.isNaN(found[doc]) || onToken > found[doc]) {
        found[doc] = onToken;
      }
    }
    int wanted = Math.max(0, offset) + Math.max(0, limit);
    Comparator<Hit> worstFirst =
        Comparator.comparingDouble(Hit::activation)
            .thenComparing(h -> h.neuron().neuron(), Comparator.reverseOrder());
    PriorityQueue<Hit> best = new PriorityQueue<>(Math.max(1, wanted + 1), worstFirst);
    int total = 0;
    for (int doc = 0; doc < found.length; doc++) {
      NeuronActivity n = neurons.get(doc);
      // A match the neuron does not fire on (nothing above 0) is not one, as for tokens.
      if (!(found[doc] > 0) || !accepts.test(n)) {
        continue;
      }
      total++;
      Hit hit = new Hit(n, found[doc]);
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
}
