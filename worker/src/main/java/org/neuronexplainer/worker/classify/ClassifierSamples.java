package org.neuronexplainer.worker.classify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;

/**
 * The excerpts a classification scorer shows (docs/method.md 15.1): pure, and seeded from the
 * neuron's id and the scorer, so a neuron redone gets the same sample, and every explanation of a
 * neuron is judged on the same excerpts.
 *
 * <p>Candidates are every excerpt of the record the explainer did not see: the top records outside
 * the train split, the quantile samples, and the random sample, an excerpt that appears twice (or
 * that is a train record) counted once. Thresholds are fractions of the neuron's max activation
 * (over its top records); a neuron whose max is not positive has no activating excerpt.
 */
public final class ClassifierSamples {
  /** How many of the top excerpts' most frequent peak tokens make an excerpt a hard negative. */
  public static final int HARD_TOKENS = 3;

  private final ClassifierSettings settings;
  private final SliceParams sliceParams;

  /**
   * @param sliceParams the splits of the simulation scorer: the train split's top records are left
   *     out
   */
  public ClassifierSamples(ClassifierSettings settings, SliceParams sliceParams) {
    this.settings = settings;
    this.sliceParams = sliceParams;
  }

  /**
   * The detection sample, shuffled: activating excerpts drawn across the quantiles (label true),
   * then up to {@code nonActivating} silent ones, hard ones first (label false).
   *
   * @throws IllegalArgumentException when the record has too few top records for the splits
   */
  public List<Excerpt> detection(NeuronRecord neuron) {
    Random random = random(neuron.neuronId(), ClassifierKind.DETECTION);
    Thresholds thresholds = Thresholds.of(neuron, settings);
    List<Candidate> candidates = candidates(neuron);
    List<Excerpt> sample = new ArrayList<>();
    for (Candidate candidate : activating(candidates, thresholds, random)) {
      sample.add(new Excerpt(candidate.id, Excerpt.ACTIVATING, candidate.record, List.of(), true));
    }
    List<Candidate> silent =
        candidates.stream().filter(c -> c.record.maxActivation() <= thresholds.silent).toList();
    Set<String> peaks = peakTokens(neuron);
    List<Candidate> hard = new ArrayList<>();
    List<Candidate> plain = new ArrayList<>();
    for (Candidate candidate : silent) {
      boolean shares = candidate.record.tokens().stream().anyMatch(t -> peaks.contains(t.strip()));
      (shares ? hard : plain).add(candidate);
    }
    List<Candidate> hardPicked = draw(hard, settings.hardNegatives(), random);
    List<Candidate> rest = new ArrayList<>(plain);
    hard.stream().filter(c -> !hardPicked.contains(c)).forEach(rest::add);
    for (Candidate candidate : hardPicked) {
      sample.add(new Excerpt(candidate.id, Excerpt.HARD, candidate.record, List.of(), false));
    }
    for (Candidate candidate : draw(rest, settings.nonActivating() - hardPicked.size(), random)) {
      sample.add(new Excerpt(candidate.id, Excerpt.RANDOM, candidate.record, List.of(), false));
    }
    Collections.shuffle(sample, random);
    return List.copyOf(sample);
  }

  /**
   * The fuzzing sample, shuffled: activating excerpts drawn across the quantiles as for detection;
   * half of them (rounded down) highlight as many random non-firing tokens as the excerpt has
   * firing ones (label false, or all its non-firing tokens when it has fewer), the others highlight
   * the firing tokens (label true). An excerpt with no non-firing token is always shown right.
   * Empty when the neuron has no activating excerpt.
   */
  public List<Excerpt> fuzzing(NeuronRecord neuron) {
    Random random = random(neuron.neuronId(), ClassifierKind.FUZZING);
    Thresholds thresholds = Thresholds.of(neuron, settings);
    List<Candidate> drawn = new ArrayList<>(activating(candidates(neuron), thresholds, random));
    Collections.shuffle(drawn, random);
    int wrong = drawn.size() / 2;
    List<Excerpt> sample = new ArrayList<>();
    for (int i = 0; i < drawn.size(); i++) {
      Candidate candidate = drawn.get(i);
      double[] activations = candidate.record.activations();
      List<Integer> firing =
          IntStream.range(0, activations.length)
              .filter(t -> activations[t] > thresholds.active)
              .boxed()
              .toList();
      List<Integer> others =
          IntStream.range(0, activations.length)
              .filter(t -> activations[t] <= thresholds.active)
              .boxed()
              .toList();
      if (i < wrong && !others.isEmpty()) {
        List<Integer> shown = new ArrayList<>(draw(others, firing.size(), random));
        Collections.sort(shown);
        sample.add(new Excerpt(candidate.id, Excerpt.ACTIVATING, candidate.record, shown, false));
      } else {
        sample.add(new Excerpt(candidate.id, Excerpt.ACTIVATING, candidate.record, firing, true));
      }
    }
    Collections.shuffle(sample, random);
    return List.copyOf(sample);
  }

  /** The random source of one neuron and scorer: the same every time. */
  static Random random(NeuronId id, ClassifierKind kind) {
    long key = id.layerIndex() * 1_000_003L + id.neuronIndex();
    return new Random(0x9E3779B97F4A7C15L * key + 31L * (kind.ordinal() + 1));
  }

  private record Thresholds(double active, double silent) {
    static Thresholds of(NeuronRecord neuron, ClassifierSettings settings) {
      double max = neuron.maxActivation();
      if (!(max > 0)) {
        // Nothing fires; silent means not above 0.
        return new Thresholds(Double.POSITIVE_INFINITY, 0);
      }
      return new Thresholds(settings.activeFraction() * max, settings.silentFraction() * max);
    }
  }

  private record Candidate(String id, ActivationRecord record) {}

  /** Every excerpt the explainer did not see, once each, in record order. */
  private List<Candidate> candidates(NeuronRecord neuron) {
    Set<Integer> train = new HashSet<>(Splits.topIndices(Split.TRAIN, neuron, sliceParams));
    Map<List<String>, Candidate> byTokens = new LinkedHashMap<>();
    Set<List<String>> seen = new HashSet<>();
    List<ActivationRecord> top = neuron.mostPositiveActivationRecords();
    for (int i = 0; i < top.size(); i++) {
      if (train.contains(i)) {
        seen.add(top.get(i).tokens());
      }
    }
    for (int i = 0; i < top.size(); i++) {
      offer(byTokens, seen, "top:" + i, top.get(i));
    }
    if (neuron.randomSampleByQuantile() != null) {
      List<List<ActivationRecord>> buckets = neuron.randomSampleByQuantile();
      for (int b = 0; b < buckets.size(); b++) {
        for (int i = 0; i < buckets.get(b).size(); i++) {
          offer(byTokens, seen, "quantile:" + b + ":" + i, buckets.get(b).get(i));
        }
      }
    }
    for (int i = 0; i < neuron.randomSample().size(); i++) {
      offer(byTokens, seen, "random:" + i, neuron.randomSample().get(i));
    }
    return List.copyOf(byTokens.values());
  }

  private static void offer(
      Map<List<String>, Candidate> byTokens,
      Set<List<String>> seen,
      String id,
      ActivationRecord record) {
    if (record.length() > 0 && !seen.contains(record.tokens())) {
      byTokens.putIfAbsent(record.tokens(), new Candidate(id, record));
    }
  }

  /**
   * The activating candidates ranked by max activation (weakest first), cut into {@code quantiles}
   * buckets of equal rank (bucket b holds ranks floor(b n / q) to floor((b + 1) n / q)), and {@code
   * perQuantile} drawn from each: the result weakest bucket first.
   */
  private List<Candidate> activating(
      List<Candidate> candidates, Thresholds thresholds, Random random) {
    List<Candidate> ranked =
        candidates.stream()
            .filter(c -> c.record.maxActivation() > thresholds.active)
            .sorted(Comparator.comparingDouble(c -> c.record.maxActivation()))
            .toList();
    int n = ranked.size();
    int q = settings.quantiles();
    List<Candidate> drawn = new ArrayList<>();
    for (int b = 0; b < q; b++) {
      int from = (int) ((long) b * n / q);
      int to = (int) ((long) (b + 1) * n / q);
      drawn.addAll(draw(ranked.subList(from, to), settings.perQuantile(), random));
    }
    return drawn;
  }

  /** The stripped token at each top record's peak, the {@value #HARD_TOKENS} most frequent. */
  static Set<String> peakTokens(NeuronRecord neuron) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ActivationRecord record : neuron.mostPositiveActivationRecords()) {
      if (record.length() == 0) {
        continue;
      }
      int peak = 0;
      for (int t = 1; t < record.length(); t++) {
        peak = record.activation(t) > record.activation(peak) ? t : peak;
      }
      String token = record.tokens().get(peak).strip();
      if (!token.isEmpty()) {
        counts.merge(token, 1, Integer::sum);
      }
    }
    return new HashSet<>(
        counts.entrySet().stream()
            .sorted(
                Map.Entry.<String, Integer>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(HARD_TOKENS)
            .map(Map.Entry::getKey)
            .toList());
  }

  /** {@code count} of {@code items} at random (all when fewer), in their original order. */
  private static <T> List<T> draw(List<T> items, int count, Random random) {
    List<Integer> order = new ArrayList<>(IntStream.range(0, items.size()).boxed().toList());
    Collections.shuffle(order, random);
    List<Integer> picked = new ArrayList<>(order.subList(0, Math.min(count, items.size())));
    Collections.sort(picked);
    return picked.stream().map(items::get).toList();
  }
}
