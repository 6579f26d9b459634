package org.neuronexplainer.worker.capture.stats;

import java.util.BitSet;
import java.util.Locale;
import org.neuronexplainer.worker.capture.corpus.Excerpts;

/**
 * How much Java heap one layer's {@link LayerStats} take, from the sizes of their arrays: a job
 * that cannot fit is refused before its forward passes start, not ended by running out of memory.
 */
public final class StatsMemory {
  private StatsMemory() {}

  /**
   * The part of the maximum heap capture plans its statistics on by default; the rest is for the
   * others. The system property {@value #SHARE_PROPERTY} changes it (a JVM that holds more than
   * capture, or a test).
   */
  public static final double HEAP_SHARE = 0.8;

  public static final String SHARE_PROPERTY = "neuron.explainer.capture.heap-share";

  /**
   * What a capture of {@code layers} layers over some excerpts needs.
   *
   * @param perLayer bytes of one layer's statistics
   * @param distinctTokens vocabulary tokens in the excerpts
   */
  public record Need(long perLayer, int layers, int neurons, int distinctTokens) {
    public long total() {
      return perLayer * layers;
    }

    /**
     * Null when the statistics fit in {@code budget} bytes; else why not and what to change, e.g.
     * "need about 3.2 GiB of Java heap (...), more than the 2.0 GiB this JVM can give them: capture
     * at most 1 layers per process (--layers), or give the JVM more memory".
     *
     * @param holder who gives the memory ("this JVM")
     * @param fewerLayers what to do when some layers fit, with a {@code %d} for how many
     * @param fewerNeurons what to do when not even one layer fits
     * @param moreMemory the other way out
     */
    public String shortfall(
        long budget, String holder, String fewerLayers, String fewerNeurons, String moreMemory) {
      if (total() <= budget) {
        return null;
      }
      long fit = budget / Math.max(1, perLayer);
      return String.format(
          Locale.ROOT,
          "need about %.1f GiB of Java heap (%d layers x %d neurons, %d distinct tokens), more"
              + " than the %.1f GiB %s can give them: %s, or %s",
          gib(total()),
          layers,
          neurons,
          distinctTokens,
          gib(budget),
          holder,
          fit >= 1 ? String.format(Locale.ROOT, fewerLayers, fit) : fewerNeurons,
          moreMemory);
    }
  }

  /** What a capture of {@code layers} layers over the excerpts {@code ids} needs. */
  public static Need of(
      int layers,
      int neurons,
      CaptureSettings settings,
      int vocabSize,
      Excerpts excerpts,
      int[] ids) {
    BitSet seen = new BitSet();
    for (int id : ids) {
      for (int token : excerpts.tokens(id)) {
        seen.set(token);
      }
    }
    int distinct = seen.cardinality();
    return new Need(
        bytesPerLayer(neurons, settings, vocabSize, distinct, ids.length),
        layers,
        neurons,
        distinct);
  }

  /**
   * @param neurons the layer's selected neurons
   * @param vocabSize the model's vocabulary (the token table has a count and a row slot per token)
   * @param distinctTokens vocabulary tokens that occur in the excerpts (each gets a table row)
   * @param excerpts the excerpts the statistics will see (heaps never hold more)
   */
  public static long bytesPerLayer(
      int neurons, CaptureSettings settings, int vocabSize, int distinctTokens, long excerpts) {
    long top = room(settings.top(), excerpts, settings.context());
    long pool = room(settings.pool(), excerpts, settings.context());
    long keys = room(settings.quantileKeys(), excerpts, 0);
    // Per buffered entry: key, slot and max (16 bytes), plus the excerpt's activations for top
    // and pool; the quantile keys are keys only.
    long heaps = neurons * ((top + pool) * (16 + 4L * settings.context()) + keys * 8);
    long tokenTable =
        TokenTable.allocatedLongs(distinctTokens, neurons, vocabSize) * 8 + vocabSize * 20L;
    long powerSums = (long) neurons * 4 * ExactSums.LIMBS * 8;
    // Scratch, sampling base, and each of the three heaps' size and threshold.
    long perNeuron = (long) neurons * (settings.context() * 4 + 8 + 3 * 12);
    return heaps + tokenTable + powerSums + perNeuron;
  }

  /** The heap capture may plan on in this JVM. */
  public static long budget() {
    return (long) (Runtime.getRuntime().maxMemory() * share());
  }

  /** {@link #HEAP_SHARE}, or the share {@value #SHARE_PROPERTY} sets. */
  static double share() {
    String value = System.getProperty(SHARE_PROPERTY);
    if (value == null) {
      return HEAP_SHARE;
    }
    try {
      double share = Double.parseDouble(value);
      if (share > 0 && share <= 1) {
        return share;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-D" + SHARE_PROPERTY + "=" + value + ": expected a share of the heap in (0, 1]");
  }

  /** The {@code -Xmx} in whole GiB under which {@code bytes} of statistics fit. */
  public static long xmxGib(long bytes) {
    return (long) Math.ceil(gib(bytes) / share()) + 1;
  }

  static double gib(long bytes) {
    return bytes / (double) (1L << 30);
  }

  /** Entries a neuron's buffer holds for a capacity of {@code setting} ({@link BottomK#room}). */
  private static long room(int setting, long excerpts, int context) {
    return BottomK.room((int) Math.min(setting, excerpts), context);
  }
}
