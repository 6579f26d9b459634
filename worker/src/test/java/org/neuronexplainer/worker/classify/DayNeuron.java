package org.neuronexplainer.worker.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;

/**
 * A synthetic neuron in the manner of the pipeline's synthetic neurons: it fires on day names, with
 * a little noise elsewhere. Its top records hold days; a quarter of its random records do.
 */
final class DayNeuron {
  static final String[] DAYS = {" Monday", " Tuesday", " Wednesday", " Friday", " Sunday"};
  private static final String[] FILLER = {
    " the", " a", " of", " and", " to", " in", " was", " is", " that", " it", " on", " with", "."
  };

  private DayNeuron() {}

  static NeuronRecord neuron(NeuronId id, long seed, int top, int random) {
    Random rng = new Random(seed);
    List<ActivationRecord> tops = new ArrayList<>();
    for (int r = 0; r < top; r++) {
      tops.add(record(rng, 0.2, 3.0 * (1 - r * 0.02)));
    }
    tops.sort(Comparator.comparingDouble(ActivationRecord::maxActivation).reversed());
    List<ActivationRecord> sample = new ArrayList<>();
    for (int r = 0; r < random; r++) {
      sample.add(record(rng, r % 4 == 0 ? 0.1 : 0, 3.0));
    }
    return new NeuronRecord(
        id, sample, null, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, tops);
  }

  static NeuronRecord neuron() {
    return neuron(new NeuronId(1, 7), 24, 20, 40);
  }

  private static ActivationRecord record(Random rng, double dayRate, double strength) {
    int length = 16;
    List<String> tokens = new ArrayList<>();
    double[] acts = new double[length];
    boolean anyDay = false;
    for (int t = 0; t < length; t++) {
      boolean day = rng.nextDouble() < dayRate || (dayRate > 0.15 && !anyDay && t == length - 1);
      anyDay |= day;
      tokens.add(day ? DAYS[rng.nextInt(DAYS.length)] : FILLER[rng.nextInt(FILLER.length)]);
      acts[t] =
          day ? strength * (0.7 + 0.3 * rng.nextDouble()) : Math.abs(rng.nextGaussian()) * 0.03;
    }
    return new ActivationRecord(tokens, acts);
  }
}
