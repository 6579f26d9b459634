package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything recorded about one neuron's activations over a corpus (a "collated-activations" file).
 *
 * @param randomSample excerpts drawn uniformly at random, independently for each neuron
 * @param randomSampleByQuantile one list of random excerpts per activation-quantile bucket, or null
 * @param quantileBoundaries the thresholds between the buckets, or null
 * @param mean moments of the activation distribution; NaN when unknown
 * @param mostPositiveActivationRecords the top excerpts, by descending max activation
 */
public record NeuronRecord(
    NeuronId neuronId,
    List<ActivationRecord> randomSample,
    List<List<ActivationRecord>> randomSampleByQuantile,
    double[] quantileBoundaries,
    double mean,
    double variance,
    double skewness,
    double kurtosis,
    List<ActivationRecord> mostPositiveActivationRecords) {

  public NeuronRecord {
    Objects.requireNonNull(neuronId, "neuronId");
    randomSample = List.copyOf(randomSample);
    randomSampleByQuantile =
        randomSampleByQuantile == null
            ? null
            : randomSampleByQuantile.stream().map(List::copyOf).toList();
    quantileBoundaries = Floats.copy(quantileBoundaries);
    mostPositiveActivationRecords = List.copyOf(mostPositiveActivationRecords);
  }

  /** The largest activation over the top records (NaN when there are none). */
  public double maxActivation() {
    return mostPositiveActivationRecords.stream()
        .mapToDouble(ActivationRecord::maxActivation)
        .max()
        .orElse(Double.NaN);
  }

  @Override
  public double[] quantileBoundaries() {
    return Floats.copy(quantileBoundaries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NeuronRecord other
        && neuronId.equals(other.neuronId)
        && randomSample.equals(other.randomSample)
        && Objects.equals(randomSampleByQuantile, other.randomSampleByQuantile)
        && Floats.same(quantileBoundaries, other.quantileBoundaries)
        && Floats.same(mean, other.mean)
        && Floats.same(variance, other.variance)
        && Floats.same(skewness, other.skewness)
        && Floats.same(kurtosis, other.kurtosis)
        && mostPositiveActivationRecords.equals(other.mostPositiveActivationRecords);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        neuronId,
        randomSample,
        randomSampleByQuantile,
        Arrays.hashCode(quantileBoundaries),
        mean,
        variance,
        skewness,
        kurtosis,
        mostPositiveActivationRecords);
  }
}
