package org.neuronexplainer.worker.capture.run;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.bench.CaptureBench;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;

/**
 * The capture with its statistics started on the host against the same capture reduced on the
 * device, in one process, the two taking turns round after round so that a busy machine slows both
 * alike: best and median wall and process CPU seconds of each. {@code -Dbench.model} is a
 * checkpoint directory ({@code neuron-explainer create-model}; default the smoke model's cache),
 * {@code -Dbench.device} {@code cpu} or {@code gpu}, {@code -Dbench.precision}, {@code
 * -Dbench.excerpts}, {@code -Dbench.batch} and {@code -Dbench.rounds} the rest.
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
    Path dir =
        Path.of(
            System.getProperty(
                "bench.model",
                System.getProperty("user.home") + "/.cache/neuron-explainer/smoke-model-v1"));
    int excerpts = Integer.getInteger("bench.excerpts", 64);
    int batch = Integer.getInteger("bench.batch", 8);
    int rounds = Integer.getInteger("bench.rounds", 6);
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
      String[] placements = {"host", "device"};
      double[][] wall = new double[2][rounds + 1];
      double[][] cpu = new double[2][rounds + 1];
      // Round 0 warms both paths up and is left out.
      for (int round = 0; round <= rounds; round++) {
        for (int turn = 0; turn < 2; turn++) {
          int p = (turn + round) % 2;
          System.setProperty(StatsPlacement.PROPERTY, placements[p]);
          long cpuStart = processCpuNanos();
          long start = System.nanoTime();
          CaptureRunner.run(model, all, shard, layers, null, settings, batch, CaptureProgress.NONE);
          wall[p][round] = (System.nanoTime() - start) / 1e9;
          cpu[p][round] = (processCpuNanos() - cpuStart) / 1e9;
        }
      }
      System.clearProperty(StatsPlacement.PROPERTY);
      long tokens = (long) excerpts * CONTEXT;
      System.out.printf(
          Locale.ROOT,
          "%s, %s, %d layers x %d neurons, %d excerpts x %d tokens, batch %d, %d rounds%n",
          dir,
          model.describeCompute(),
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
            "statistics on the %-6s best %.0f tokens/s (%.2f s), median %.2f s; CPU best %.2f s,"
                + " median %.2f s%n",
            placements[p],
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
