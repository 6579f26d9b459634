package org.neuronexplainer.worker.capture.stats;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.FloatTensor;

/**
 * The statistics' own cost, without the forward pass: one thread's CPU time per activation, from
 * empty statistics (every excerpt enters the heaps) to later in a run (heaps full, few entries
 * replaced), per stretch of excerpts. By default 4 layers of 3,072 neurons (GPT-2 small's MLP
 * width) over GPT-2's vocabulary, so that, as in a real capture, the heaps and token tables are far
 * larger than the CPU caches; {@code -Dbench.layers}, {@code -Dbench.neurons} and {@code
 * -Dbench.vocab} change that. As a capture makes them, the statistics know the excerpts they will
 * see ({@link LayerStats#forExcerpts}); {@code -Dbench.bound=false} makes them without. The time
 * {@link LayerStats#begin} takes (on the caller's thread in a capture) is shown apart. The
 * statistics run on the vector loop ({@code Kernels}) as the command below starts them; add {@code
 * -Dneuron.explainer.capture.vector=false} to the argLine for the scalar loop.
 *
 * <pre>
 * mvn -B -o -pl worker -am test -Dgroups=benchmark -DexcludedGroups=none \
 *   -DargLine="-Xmx10g --add-modules jdk.incubator.vector" \
 *   -Dtest=LayerStatsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
class LayerStatsBenchmark {
  private static final int CONTEXT = 64;
  private static final int BATCH = 8;

  @Test
  void perActivationCost() {
    int layers = Integer.getInteger("bench.layers", 4);
    int width = Integer.getInteger("bench.neurons", 3072);
    int vocab = Integer.getInteger("bench.vocab", 50257);
    Random random = new Random(7);
    // 8 distinct batches of GELU-shaped activations; later excerpts reuse them with a per-excerpt
    // shift, so maxima keep changing and the heaps keep seeing new candidates.
    float[][] batches = new float[8][];
    for (int i = 0; i < batches.length; i++) {
      float[] data = new float[BATCH * CONTEXT * width];
      for (int k = 0; k < data.length; k++) {
        double x = random.nextGaussian() - 0.5;
        data[k] = (float) (0.5 * x * (1 + Math.tanh(0.7978845608 * (x + 0.044715 * x * x * x))));
      }
      batches[i] = data;
    }
    int[] neurons = IntStream.range(0, width).toArray();
    CaptureSettings settings = CaptureSettings.defaults();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int[] marks = {64, 512, 2048, 8192};
    boolean bound = Boolean.parseBoolean(System.getProperty("bench.bound", "true"));
    int[] all = IntStream.range(0, marks[marks.length - 1]).toArray();
    for (int round = 0; round < 2; round++) {
      LayerStats[] stats = new LayerStats[layers];
      for (int l = 0; l < layers; l++) {
        stats[l] =
            bound
                ? LayerStats.forExcerpts(l, neurons, settings, vocab, all)
                : LayerStats.create(l, neurons, settings, vocab, all.length);
      }
      int excerpt = 0;
      int mark = 0;
      long spent = 0; // CPU time since the last mark
      long spentBegin = 0;
      StringBuilder line = new StringBuilder("round " + round + ":");
      while (mark < marks.length) {
        int[] ids = new int[BATCH];
        int[][] tokens = new int[BATCH][CONTEXT];
        for (int b = 0; b < BATCH; b++) {
          ids[b] = excerpt + b;
          for (int t = 0; t < CONTEXT; t++) {
            tokens[b][t] = random.nextInt(vocab);
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
        FloatTensor tensor = new FloatTensor(new int[] {BATCH, CONTEXT, width}, data);
        for (LayerStats layer : stats) {
          long before = threads.getCurrentThreadCpuTime();
          LayerBatch batch = layer.begin(ids, tokens, tensor);
          long begun = threads.getCurrentThreadCpuTime();
          for (int part = 0; part < batch.parts(); part++) {
            batch.run(part);
          }
          batch.finish();
          spentBegin += begun - before;
          spent += threads.getCurrentThreadCpuTime() - before;
        }
        excerpt += BATCH;
        if (excerpt == marks[mark]) {
          int since = excerpt - (mark == 0 ? 0 : marks[mark - 1]);
          double values = (double) since * CONTEXT * width * layers;
          line.append(
              String.format(
                  " to %d excerpts: %.2f ns/activation (begin %.2f);",
                  excerpt, spent / values, spentBegin / values));
          spent = 0;
          spentBegin = 0;
          mark++;
        }
      }
      System.out.println(LayerStats.kernel() + (bound ? " bounded pools " : " ") + line);
    }
  }
}
