package org.neuronexplainer.worker.records;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;

/**
 * Divides a neuron's records into train, calibration, valid and test (docs/method.md 2.2).
 *
 * <p>Each pool is sliced with a stride equal to its number of splits: split number s takes indices
 * s, s+S, s+2S, ... until it has n records, so together the splits cover exactly the first n*S
 * records of the pool. The top pool (most positive records, strongest first) has S = 4 splits
 * (train, calibration, valid, test); the random pool has S = 3 (calibration, valid, test), since
 * random records never reach the explainer. A split's records are its top part followed by its
 * random part, which is the order the viewer and the top/random rescoring rely on.
 */
public final class Splits {
  private Splits() {}

  /** The records of {@code split}: top part, then random part (train has no random part). */
  public static List<ActivationRecord> records(
      NeuronRecord neuron, Split split, SliceParams params) {
    List<ActivationRecord> records = new ArrayList<>(top(neuron, split, params));
    records.addAll(random(neuron, split, params));
    return List.copyOf(records);
  }

  /** The top-pool part of {@code split}. */
  public static List<ActivationRecord> top(NeuronRecord neuron, Split split, SliceParams params) {
    return pick(neuron.mostPositiveActivationRecords(), topIndices(split, neuron, params));
  }

  /** The random-pool part of {@code split}; empty for {@link Split#TRAIN}. */
  public static List<ActivationRecord> random(
      NeuronRecord neuron, Split split, SliceParams params) {
    return pick(neuron.randomSample(), randomIndices(split, neuron, params));
  }

  /** Indices into {@code most_positive_activation_records} that {@code split} takes. */
  public static List<Integer> topIndices(Split split, NeuronRecord neuron, SliceParams params) {
    return poolIndices(
        Pool.TOP, Split.TOP_POOL, split, neuron.mostPositiveActivationRecords().size(), params);
  }

  /** Indices into {@code random_sample} that {@code split} takes; empty for train. */
  public static List<Integer> randomIndices(Split split, NeuronRecord neuron, SliceParams params) {
    return poolIndices(Pool.RANDOM, Split.RANDOM_POOL, split, neuron.randomSample().size(), params);
  }

  /**
   * The indices split number {@code position} takes when a pool is cut into {@code splitCount}
   * interleaved splits of {@code perSplit} records: position, position + splitCount, ...
   */
  public static List<Integer> interleaved(int position, int splitCount, int perSplit) {
    if (position < 0 || position >= splitCount) {
      throw new IllegalArgumentException(
          "split position " + position + " is outside 0.." + (splitCount - 1));
    }
    if (perSplit < 0) {
      throw new IllegalArgumentException("records per split must not be negative: " + perSplit);
    }
    return IntStream.range(0, perSplit).mapToObj(k -> position + k * splitCount).toList();
  }

  /**
   * Records per split for a pool of {@code poolSize}: the explicit value, or floor(poolSize / S).
   *
   * @throws IllegalArgumentException naming the pool when it has fewer than n*S records
   */
  static int perSplit(Pool pool, int poolSize, int splitCount, SliceParams params) {
    if (params.examplesPerSplit() == null) {
      return poolSize / splitCount;
    }
    int n = params.examplesPerSplit();
    if (poolSize < n * splitCount) {
      throw new IllegalArgumentException(
          "the "
              + pool.description
              + " has "
              + poolSize
              + " records, but "
              + n
              + " per split for its "
              + splitCount
              + " splits needs "
              + n * splitCount);
    }
    return n;
  }

  private static List<Integer> poolIndices(
      Pool pool, List<Split> splits, Split split, int poolSize, SliceParams params) {
    int position = splits.indexOf(split);
    if (position < 0) {
      // Train takes nothing from the random pool, so the random pool's size does not matter.
      return List.of();
    }
    return interleaved(position, splits.size(), perSplit(pool, poolSize, splits.size(), params));
  }

  private static List<ActivationRecord> pick(List<ActivationRecord> pool, List<Integer> indices) {
    return indices.stream().map(pool::get).toList();
  }

  /** The two pools a neuron's records come from, named as in the dataset files. */
  enum Pool {
    TOP("top pool (most_positive_activation_records)"),
    RANDOM("random pool (random_sample)");

    final String description;

    Pool(String description) {
      this.description = description;
    }
  }
}
