package org.neuronexplainer.worker.capture.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;

/**
 * Turns a layer's merged statistics into the public files' records. Excerpts are kept as ids and
 * activations while streaming; their token strings are resolved only here, once per written record.
 *
 * @param excerptTokens the token ids of an excerpt, by excerpt id
 * @param tokenTexts an excerpt's token strings (joined, they give its text back)
 * @param tokenText one vocabulary token as text, for the lookup tables
 */
public record RecordAssembler(
    IntFunction<int[]> excerptTokens,
    Function<int[], List<String>> tokenTexts,
    IntFunction<String> tokenText) {

  /** The NeuronRecord of the {@code j}-th selected neuron of {@code stats}. */
  public NeuronRecord neuronRecord(LayerStats stats, int j) {
    stats.requireComplete();
    CaptureSettings settings = stats.settings;
    int neuron = stats.neurons[j];
    long base = SampleHash.base(settings.seed(), stats.layer, neuron);
    List<Quantiles.Candidate> top = candidates(base, stats.top, j);
    List<Quantiles.Candidate> pool = candidates(base, stats.pool, j);
    List<ActivationRecord> random =
        pool.subList(0, Math.min(settings.random(), pool.size())).stream()
            .map(this::record)
            .toList();
    if (settings.twoPassQuantiles() && stats.excerpts > 0 && !stats.inSecondPass()) {
      throw new IllegalStateException(
          "layer " + stats.layer + ": two-pass quantiles need the second pass before writing");
    }
    Quantiles.Result quantiles = new Quantiles.Result(null, null);
    if (stats.excerpts > 0) {
      List<List<Quantiles.Candidate>> sampled = null;
      if (stats.bucketSamples() != null) {
        sampled = new ArrayList<>();
        for (BottomK bucket : stats.bucketSamples()) {
          sampled.add(candidates(base, bucket, j));
        }
      }
      quantiles =
          Quantiles.of(stats.excerpts, top, boundaries(stats, j), pool, sampled, settings.random());
    }
    List<List<ActivationRecord>> buckets =
        quantiles.buckets() == null
            ? null
            : quantiles.buckets().stream()
                .map(bucket -> bucket.stream().map(this::record).toList())
                .toList();
    ExactSums sums = stats.powerSums;
    Moments moments =
        Moments.of(
            stats.excerpts * settings.context(),
            sums.exact(j * 4),
            sums.exact(j * 4 + 1),
            sums.exact(j * 4 + 2),
            sums.exact(j * 4 + 3));
    return new NeuronRecord(
        new NeuronId(stats.layer, neuron),
        random,
        buckets,
        quantiles.boundaries(),
        moments.mean(),
        moments.variance(),
        moments.skewness(),
        moments.kurtosis(),
        top.stream().map(this::record).toList());
  }

  /**
   * The activation-based token lookup table (docs/method.md 11): the tokens with at least the
   * minimum count, by mean activation, highest first (ties: lower token id first), at most the
   * table size.
   */
  public TokenLookupTableSummaryOfNeuron tokenTable(LayerStats stats, int j) {
    CaptureSettings settings = stats.settings;
    TokenTable table = stats.tokens;
    List<double[]> rows = new ArrayList<>();
    for (int token = 0; token < table.vocabSize(); token++) {
      long count = table.count(token);
      if (count >= settings.tableMinCount()) {
        rows.add(new double[] {token, table.sum(token, j) / TokenTable.SCALE / count});
      }
    }
    rows.sort(Comparator.<double[]>comparingDouble(r -> -r[1]).thenComparingDouble(r -> r[0]));
    List<double[]> kept = rows.subList(0, Math.min(settings.tableSize(), rows.size()));
    return new TokenLookupTableSummaryOfNeuron(
        kept.stream().map(r -> tokenText.apply((int) r[0])).toList(),
        kept.stream().mapToDouble(r -> r[1]).toArray());
  }

  /** The quantile boundaries of the j-th neuron from what one pass kept (at least 1 excerpt). */
  static Quantiles.Boundaries boundaries(LayerStats stats, int j) {
    long base = SampleHash.base(stats.settings.seed(), stats.layer, stats.neurons[j]);
    long[] tailKeys = stats.tail.sortedKeys(j);
    return Quantiles.boundaries(
        stats.excerpts,
        candidates(base, stats.top, j),
        tailKeys,
        candidates(base, stats.pool, j),
        stats.pool.size(j) == stats.excerpts);
  }

  private static List<Quantiles.Candidate> candidates(long base, BottomK heap, int j) {
    List<Quantiles.Candidate> list = new ArrayList<>();
    for (BottomK.Entry e : heap.sorted(j)) {
      list.add(candidate(base, e));
    }
    return list;
  }

  private static Quantiles.Candidate candidate(long base, BottomK.Entry e) {
    int id = e.excerptId();
    return new Quantiles.Candidate(SampleHash.priority(base, id), id, e.max(), e.activations());
  }

  private ActivationRecord record(Quantiles.Candidate c) {
    float[] acts = c.activations();
    double[] values = new double[acts.length];
    for (int i = 0; i < acts.length; i++) {
      values[i] = acts[i];
    }
    return new ActivationRecord(tokenTexts.apply(excerptTokens.apply(c.excerptId())), values);
  }
}
