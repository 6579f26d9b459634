package org.neuronexplainer.cli.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * Invented NeuronRecords for the first run on a fresh machine: each synthetic neuron fires on one
 * class of tokens (days, colours, numbers, ...) with a neuron-specific strength and a little noise.
 * They come from no model and mean nothing; they exist so that the pipeline has a few hundred
 * realistic-looking inputs with no download. Deterministic: the same count gives the same files.
 */
final class SyntheticNeurons {

  private static final String[][] CLASSES = {
    {" Monday", " Tuesday", " Wednesday", " Friday", " Sunday"},
    {" red", " blue", " green", " yellow", " purple"},
    {" one", " two", " three", " seven", " ten"},
    {" dog", " cat", " horse", " bird", " fish"},
    {" river", " sea", " lake", " boat", " water"},
    {" Paris", " London", " Berlin", " Tokyo", " Rome"},
    {" happy", " sad", " angry", " afraid", " proud"},
    {" bread", " cheese", " apple", " rice", " soup"},
  };

  private static final String[] FILLER = {
    " the", " a", " of", " and", " to", " in", " was", " is", " that", " it", " on", " with", " he",
    " she", " they", " at", " by", " from", " for", " we", ".", ",", " this", " had", " not"
  };

  static final int LAYERS = 2;
  private static final int TOP = 20;
  private static final int RANDOM = 15;
  private static final int LENGTH = 24;

  private SyntheticNeurons() {}

  /** Writes {@code count} neurons (spread over {@value #LAYERS} layers) unless already there. */
  static List<NeuronId> write(BlobStore store, int count) {
    List<NeuronId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      NeuronId id = new NeuronId(i % LAYERS, i / LAYERS);
      ids.add(id);
      String key = RunRecords.recordKey(id);
      if (!store.exists(key)) {
        store.put(key, DatasetJson.toBytes(neuron(id, i), key));
      }
    }
    return ids;
  }

  static NeuronRecord neuron(NeuronId id, int seed) {
    Random random = new Random(0x5EED_0000L + seed);
    String[] fires = CLASSES[seed % CLASSES.length];
    double strength = 1 + random.nextDouble() * 4;
    List<ActivationRecord> top = new ArrayList<>();
    for (int r = 0; r < TOP; r++) {
      // Stronger records first, as in real top-activation lists.
      top.add(record(random, fires, strength * (1 - r * 0.02), 0.25));
    }
    List<ActivationRecord> sample = new ArrayList<>();
    for (int r = 0; r < RANDOM; r++) {
      sample.add(record(random, fires, strength, 0.04));
    }
    return new NeuronRecord(
        id, sample, null, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, top);
  }

  private static ActivationRecord record(
      Random random, String[] fires, double strength, double classRate) {
    List<String> tokens = new ArrayList<>(LENGTH);
    double[] acts = new double[LENGTH];
    for (int t = 0; t < LENGTH; t++) {
      boolean hit = random.nextDouble() < classRate;
      tokens.add(hit ? fires[random.nextInt(fires.length)] : FILLER[random.nextInt(FILLER.length)]);
      double noise = random.nextGaussian() * 0.05;
      acts[t] = hit ? strength * (0.7 + 0.3 * random.nextDouble()) : Math.max(-0.17, noise);
    }
    return new ActivationRecord(tokens, acts);
  }
}
