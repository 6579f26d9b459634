package org.neuronexplainer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.CaptureProgress;
import org.neuronexplainer.worker.capture.run.CaptureRunner;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neuron-explainer bench}: benchmarks (measurements, not tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks.",
    subcommands = BenchCommand.Capture.class)
final class BenchCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Forward pass alone against the full capture, on random token ids. */
  @Command(
      name = "capture",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Runs the forward pass alone (every layer's MLP activations copied out), then the full",
        "capture (forward pass plus every neuron's top list, sample pool, power sums and token",
        "sums), on the same random token ids, and prints tokens per second for each, their",
        "ratio and the peak memory. One warm-up batch runs first."
      })
  static final class Capture implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Default: the smoke model.")
    String model;

    @Option(names = "--batch", defaultValue = "8", description = "Excerpts per pass (8).")
    int batch;

    @Option(names = "--context", defaultValue = "64", description = "Tokens per excerpt (64).")
    int context;

    @Option(names = "--excerpts", defaultValue = "64", description = "Excerpts per run (64).")
    int excerpts;

    @Option(names = "--rounds", defaultValue = "2", description = "Timed rounds, best kept (2).")
    int rounds;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N.")
    String device;

    @Option(
        names = "--quantiles",
        defaultValue = "one-pass",
        description = "one-pass or two-pass (the full capture runs the excerpts twice).")
    String quantiles;

    @Override
    public Integer call() {
      Path dir = model == null ? SmokeModel.ensure() : ModelDirectory.require(model);
      ComputeOptions compute = new ComputeOptions(device, Precision.FLOAT32);
      PrintWriter out = spec.commandLine().getOut();
      try (Gpt2Model gpt2 = CaptureErrors.asUserErrors(() -> Gpt2Model.load(dir, compute))) {
        var config = gpt2.config();
        if (context > config.positions() || batch < 1 || excerpts < 1 || rounds < 1) {
          throw new UserException(
              "need 1 <= --context <= n_positions, --batch and --excerpts >= 1");
        }
        Random random = new Random(1);
        int[][] ids = new int[excerpts][context];
        for (int[] row : ids) {
          for (int t = 0; t < context; t++) {
            row[t] = random.nextInt(config.vocabSize());
          }
        }
        int[] layers = IntStream.range(0, config.layers()).toArray();
        int[] neurons = IntStream.range(0, config.innerSize()).toArray();
        if (!quantiles.equals("one-pass") && !quantiles.equals("two-pass")) {
          throw new UserException("--quantiles " + quantiles + ": expected one-pass or two-pass");
        }
        CaptureSettings settings =
            new CaptureSettings(context, 50, 50, 250, 0, 50, 2)
                .withQuantiles(CaptureSettings.DEFAULT_QUANTILE_KEYS, quantiles.equals("two-pass"));
        Excerpts all = Excerpts.of(ids);
        int[] order = IntStream.range(0, excerpts).toArray();
        // Warm-up (JIT, native allocator), then rounds alternating the two so that a busy
        // machine's noise hits both alike; the best round of each is reported.
        CaptureRunner.run(
            gpt2,
            all,
            java.util.Arrays.copyOf(order, Math.min(excerpts, 2 * batch)),
            layers,
            neurons,
            settings,
            batch,
            CaptureProgress.NONE);
        long tokens = (long) excerpts * context;
        double forward = Double.MAX_VALUE;
        double full = Double.MAX_VALUE;
        double forwardCpu = Double.MAX_VALUE;
        double fullCpu = Double.MAX_VALUE;
        StringBuilder forwardRounds = new StringBuilder();
        StringBuilder fullRounds = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
          // Alternate which goes first, so that neither always follows the other's garbage.
          for (int turn = 0; turn < 2; turn++) {
            boolean forwardTurn = (turn == 0) == (round % 2 == 0);
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            if (forwardTurn) {
              for (int s = 0; s < excerpts; s += batch) {
                gpt2.forward(
                    java.util.Arrays.copyOfRange(ids, s, Math.min(excerpts, s + batch)),
                    layers,
                    false);
              }
              double wall = (System.nanoTime() - start) / 1e9;
              forward = Math.min(forward, wall);
              forwardCpu = Math.min(forwardCpu, (processCpuNanos() - cpuStart) / 1e9);
              forwardRounds.append(String.format(" %.2f", wall));
            } else {
              CaptureRunner.run(
                  gpt2, all, order, layers, neurons, settings, batch, CaptureProgress.NONE);
              double wall = (System.nanoTime() - start) / 1e9;
              full = Math.min(full, wall);
              fullCpu = Math.min(fullCpu, (processCpuNanos() - cpuStart) / 1e9);
              fullRounds.append(String.format(" %.2f", wall));
            }
          }
        }
        out.printf(
            "model %s: %d layers x %d neurons, %s, PyTorch %s, %d CPU cores; %d excerpts x %d"
                + " tokens, batch %d, best of %d%n",
            dir,
            config.layers(),
            config.innerSize(),
            gpt2.describeCompute(),
            gpt2.engineVersion(),
            Runtime.getRuntime().availableProcessors(),
            excerpts,
            context,
            batch,
            rounds);
        out.printf(
            "forward only:  %.1f tokens/s (%.2f s; CPU %.2f s)%n",
            tokens / forward, forward, forwardCpu);
        out.printf(
            "full capture:  %.1f tokens/s (%.2f s; CPU %.2f s)%n", tokens / full, full, fullCpu);
        out.printf("full / forward: %.1f%%%n", 100 * forward / full);
        // CPU seconds of the whole process (libtorch's threads included) move far less than wall
        // time when other jobs share the machine.
        out.printf("full / forward by CPU time: %.1f%%%n", 100 * forwardCpu / fullCpu);
        out.printf("rounds (s): forward%s; full%s%n", forwardRounds, fullRounds);
        out.printf("peak memory: RSS %s, Java heap %s%n", peakRss(), mib(peakHeap()));
        out.flush();
      }
      return 0;
    }

    private static long processCpuNanos() {
      return ManagementFactory.getOperatingSystemMXBean()
              instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime()
          : 0;
    }

    private static String peakRss() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return mib(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
          }
        }
      } catch (IOException | NumberFormatException e) {
        // not Linux: fall through
      }
      return "unknown";
    }

    private static long peakHeap() {
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      return peak;
    }

    private static String mib(long bytes) {
      return String.format("%.0f MiB", bytes / 1048576.0);
    }
  }
}
