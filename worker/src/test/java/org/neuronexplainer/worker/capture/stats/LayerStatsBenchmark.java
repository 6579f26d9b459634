package org.neuronexplainer.worker.capture.stats;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.FloatTensor;

/**
 * The statistics' own cost, without the forward pass: one thread's CPU time per activation for a
 * layer of 1,024 neurons (64-token excerpts, batches of 8, the vocabulary of GPT-2, or {@code
 * -Dbench.vocab=N} token ids), from empty statistics (every excerpt enters the heaps) to later in a
 * long run (heaps full, few entries replaced), per stretch of excerpts.
 *
 * <pre>
 * mvn -B -o -pl worker -am test -Dgroups=benchmark -DexcludedGroups=none \
 *   -Dtest=LayerStatsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
class LayerStatsBenchmark {
  private static final int NEURONS = 1024;
  private static final int CONTEXT = 64;
  private static final int BATCH = 8;
  private static final int VOCAB = 50257;

  @Test
  void perActivationCost() {
    Random random = new Random(7);
    // 32 distinct batches of GELU-shaped activations; later excerpts reuse them with a per-excerpt
    // shift, so maxima keep changing and the heaps keep seeing new candidates.
    float[][] batches = new float[32][];
    for (int i = 0; i < batches.length; i++) {
      float[] data = new float[BATCH * CONTEXT * NEURONS];
      for (int k = 0; k < data.length; k++) {
        double x = random.nextGaussian() - 0.5;
        data[k] = (float) (0.5 * x * (1 + Math.tanh(0.7978845608 * (x + 0.044715 * x * x * x))));
      }
      batches[i] = data;
    }
    int[] neurons = IntStream.range(0, NEURONS).toArray();
    CaptureSettings settings = CaptureSettings.defaults();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 3; round++) {
      LayerStats stats = LayerStats.create(0, neurons, settings, VOCAB, 50_000);
      int excerpt = 0;
      int[] marks = {64, 512, 4096, 16384};
      int mark = 0;
      long spent = 0; // CPU time in accept() since the last mark
      StringBuilder line = new StringBuilder("round " + round + ":");
      while (mark < marks.length) {
        int[] ids = new int[BATCH];
        int[][] tokens = new int[BATCH][CONTEXT];
        for (int b = 0; b < BATCH; b++) {
          ids[b] = excerpt + b;
          for (int t = 0; t < CONTEXT; t++) {
            tokens[b][t] = random.nextInt(Integer.getInteger("bench.vocab", VOCAB));
          }
        }
        float[] data = batches[(excerpt / BATCH) % batches.length];
        if (excerpt >= batches.length * BATCH) {
          float shift = (float) (random.nextGaussian() * 0.05);
          float[] shifted = new float[data.length];
          for (int k = 0; k < data.length; k++) {
            shifted[k] = data[k] + shift;
          }
          data = shifted;
        }
        long before = threads.getCurrentThreadCpuTime();
        stats.accept(ids, tokens, new FloatTensor(new int[] {BATCH, CONTEXT, NEURONS}, data));
        spent += threads.getCurrentThreadCpuTime() - before;
        excerpt += BATCH;
        if (excerpt == marks[mark]) {
          int since = excerpt - (mark == 0 ? 0 : marks[mark - 1]);
          double perValue = spent / ((double) since * CONTEXT * NEURONS);
          line.append(String.format(" excerpts to %d: %.2f ns/activation;", excerpt, perValue));
          spent = 0;
          mark++;
        }
      }
      System.out.println(line);
    }
  }
}
