package org.neuronexplainer.worker.capture.run;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.RandomCheckpoint;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.bench.CaptureBench;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;

/**
 * The capture with its statistics started on the host against the same capture reduced on the
 * device, in one process, the two taking turns round after round so that a busy machine slows both
 * alike: best and median wall and process CPU seconds of each. {@code -Dbench.model} is a
 * checkpoint directory ({@code neuron-explainer create-model}; default the smoke model's cache; a
 * directory without one gets a random checkpoint of GPT-2 small's shape), {@code -Dbench.device}
 * {@code cpu} or {@code gpu}, {@code -Dbench.precision}, {@code -Dbench.excerpts}, {@code
 * -Dbench.batch} and {@code -Dbench.rounds} the rest.
 *
 * <pre>
 * mvn -B -o -pl worker -am test -Dgroups=benchmark -DexcludedGroups=none \
 *   -DargLine="-Xmx6g --add-modules jdk.incubator.vector" \
 *   -Dtest=StatsPlacementBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
class StatsPlacementBenchmark {
  private static final int CONTEXT = 64;

  @Test
  void hostAgainstDevice() {
    race("statistics on the", StatsPlacement.PROPERTY, new String[] {"host", "device"});
  }

  /**
   * The capture with each batch's statistics (on the host, or what the device left of them) beside
   * the next forward pass, against the same capture waiting for them after each pass; the placement
   * is {@code -Dbench.stats} ({@code device} by default).
   */
  @Test
  void overlapAgainstNone() {
    System.setProperty(StatsPlacement.PROPERTY, System.getProperty("bench.stats", "device"));
    try {
      race("overlap", CaptureRunner.OVERLAP_PROPERTY, new String[] {"true", "false"});
    } finally {
      System.clearProperty(StatsPlacement.PROPERTY);
    }
  }

  /** Both values of {@code property} taking turns, round after round; prints each one's times. */
  private static void race(String label, String property, String[] values) {
    Path dir =
        Path.of(
            System.getProperty(
                "bench.model",
                System.getProperty("user.home") + "/.cache/neuron-explainer/smoke-model-v1"));
    int excerpts = Integer.getInteger("bench.excerpts", 64);
    int batch = Integer.getInteger("bench.batch", 8);
    int rounds = Integer.getInteger("bench.rounds", 6);
    if (!Files.exists(dir.resolve("config.json"))) {
      // GPT-2 small's shape with the smoke model's 512-token vocabulary, as create-model writes it.
      Path smoke =
          Path.of(System.getProperty("user.home"), ".cache/neuron-explainer/smoke-model-v1");
      new RandomCheckpoint(12, 768, 12, 512, 1024, 0.02, 7).write(dir, smoke);
    }
    ComputeOptions compute =
        new ComputeOptions(
            System.getProperty("bench.device", "cpu"),
            Precision.parse(System.getProperty("bench.precision", "float32")));
    try (SubjectModel model = SubjectModel.load(dir, compute)) {
      int[][] ids = CaptureBench.randomTokenIds(excerpts, CONTEXT, model.config().vocabSize());
      Excerpts all = Excerpts.of(ids);
      int[] shard = IntStream.range(0, excerpts).toArray();
      int[] layers = IntStream.range(0, model.config().layers()).toArray();
      CaptureSettings settings = CaptureSettings.defaults().withContext(CONTEXT);
      double[][] wall = new double[2][rounds + 1];
      double[][] cpu = new double[2][rounds + 1];
      // Round 0 warms both paths up and is left out.
      for (int round = 0; round <= rounds; round++) {
        for (int turn = 0; turn < 2; turn++) {
          int p = (turn + round) % 2;
          System.setProperty(property, values[p]);
          long cpuStart = processCpuNanos();
          long start = System.nanoTime();
          CaptureRunner.run(model, all, shard, layers, null, settings, batch, CaptureProgress.NONE);
          wall[p][round] = (System.nanoTime() - start) / 1e9;
          cpu[p][round] = (processCpuNanos() - cpuStart) / 1e9;
        }
      }
      System.clearProperty(property);
      long tokens = (long) excerpts * CONTEXT;
      System.out.printf(
          Locale.ROOT,
          "%s, %s, statistics %s, %d layers x %d neurons, %d excerpts x %d tokens, batch %d,"
              + " %d rounds%n",
          dir,
          model.describeCompute(),
          System.getProperty(StatsPlacement.PROPERTY, "by placement"),
          model.config().layers(),
          model.config().neurons(),
          excerpts,
          CONTEXT,
          batch,
          rounds);
      for (int p = 0; p < 2; p++) {
        double[] w = Arrays.copyOfRange(wall[p], 1, rounds + 1);
        double[] c = Arrays.copyOfRange(cpu[p], 1, rounds + 1);
        Arrays.sort(w);
        Arrays.sort(c);
        System.out.printf(
            Locale.ROOT,
            "%s %-6s best %.0f tokens/s (%.2f s), median %.2f s; CPU best %.2f s, median %.2f s%n",
            label,
            values[p],
            tokens / w[0],
            w[0],
            w[rounds / 2],
            c[0],
            c[rounds / 2]);
      }
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }
}
