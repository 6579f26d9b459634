package org.neuronexplainer.worker.revise;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;

/**
 * A synthetic neuron that fires on day names, more strongly on some than on others, with a little
 * noise elsewhere: its top records hold days, a quarter of its random records do.
 */
public final class Days {
  static final String[] DAYS = {" Monday", " Tuesday", " Wednesday", " Friday", " Sunday"};
  private static final String[] FILLER = {
    " the", " a", " of", " and", " to", " in", " was", " is", " that", " it", " on", " with", "."
  };

  private Days() {}

  public static NeuronRecord neuron(NeuronId id, long seed) {
    Random rng = new Random(seed);
    List<ActivationRecord> tops = new ArrayList<>();
    for (int r = 0; r < 20; r++) {
      tops.add(record(rng, 0.2, 3.0 * (1 - r * 0.02)));
    }
    tops.sort(Comparator.comparingDouble(ActivationRecord::maxActivation).reversed());
    List<ActivationRecord> sample = new ArrayList<>();
    for (int r = 0; r < 40; r++) {
      sample.add(record(rng, r % 4 == 0 ? 0.1 : 0, 3.0));
    }
    return new NeuronRecord(
        id, sample, null, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, tops);
  }

  private static ActivationRecord record(Random rng, double dayRate, double strength) {
    int length = 16;
    List<String> tokens = new ArrayList<>();
    double[] acts = new double[length];
    boolean anyDay = false;
    for (int t = 0; t < length; t++) {
      boolean day = rng.nextDouble() < dayRate || (dayRate > 0.15 && !anyDay && t == length - 1);
      anyDay |= day;
      int which = rng.nextInt(DAYS.length);
      tokens.add(day ? DAYS[which] : FILLER[rng.nextInt(FILLER.length)]);
      // Later days fire less: an explanation naming only some of them misses the others.
      acts[t] =
          day
              ? strength * (1 - which * 0.15) * (0.7 + 0.3 * rng.nextDouble())
              : Math.abs(rng.nextGaussian()) * 0.03;
    }
    return new ActivationRecord(tokens, acts);
  }
}
