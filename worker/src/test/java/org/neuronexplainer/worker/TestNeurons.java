package org.neuronexplainer.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;

/**
 * A synthetic neuron that fires on " Canada" (about 4 units, a little more early in the list) and
 * rests near 0 elsewhere: 24 top records that each mention Canada, 15 random records of which a few
 * do. Deterministic (fixed seed).
 */
public final class TestNeurons {
  static final List<String> FILLER =
      List.of(
          " the",
          " of",
          " and",
          " a",
          " river",
          " city",
          " people",
          " in",
          " was",
          " north",
          " trade",
          " minister",
          ",",
          ".",
          " winter",
          " election");

  private TestNeurons() {}

  public static NeuronRecord canada() {
    Random random = new Random(42);
    List<ActivationRecord> top = new ArrayList<>();
    for (int r = 0; r < 24; r++) {
      top.add(record(random, 16, 2 + r % 3, 5.0 - r * 0.05));
    }
    List<ActivationRecord> sample = new ArrayList<>();
    for (int r = 0; r < 15; r++) {
      sample.add(record(random, 16, r % 5 == 0 ? 1 : 0, 3.5));
    }
    return new NeuronRecord(
        new NeuronId(9, 6236),
        sample,
        null,
        null,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        top);
  }

  /** {@code length} tokens, {@code hits} of them " Canada" at {@code peak}, the rest filler. */
  static ActivationRecord record(Random random, int length, int hits, double peak) {
    List<String> tokens = new ArrayList<>();
    double[] activations = new double[length];
    for (int t = 0; t < length; t++) {
      boolean hit = hits > 0 && t % (length / Math.max(hits, 1)) == 3;
      tokens.add(hit ? " Canada" : FILLER.get(random.nextInt(FILLER.size())));
      activations[t] = hit ? peak - random.nextDouble() * 0.5 : random.nextDouble() * 0.2 - 0.1;
    }
    return new ActivationRecord(tokens, activations);
  }
}
