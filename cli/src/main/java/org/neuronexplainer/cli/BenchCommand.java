package org.neuronexplainer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.neuronexplainer.worker.capture.ActivationBuffers;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Gpt2Config;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.CaptureProgress;
import org.neuronexplainer.worker.capture.run.CaptureRunner;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.StatsMemory;
import org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer;
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
        "Times, on random token ids, the forward pass alone (every layer's MLP activations",
        "copied out) and the full capture (forward pass plus every neuron's top list, sample",
        "pool, quantile keys, power sums and token sums) twice: from empty statistics, where",
        "every excerpt enters the heaps and every token gets its table row, and continued,",
        "adding new excerpts to statistics that already hold --warm-up excerpts and the earlier",
        "rounds, as later in a long capture (one-pass quantiles; --no-continued leaves it",
        "out). Prints tokens per second, the ratios to the forward pass, the time each capture",
        "waited for its statistics and the peak memory. With --corpus the excerpts are cut",
        "from text instead, whose token frequencies are those of a real capture."
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

    @Option(
        names = "--warm-up",
        defaultValue = "-1",
        paramLabel = "N",
        description =
            "Excerpts the continued statistics hold before the timed rounds (default: as many as"
                + " --excerpts). The larger, the closer to the late part of a long capture, where"
                + " few excerpts still enter the heaps.")
    int warmUp;

    @Option(
        names = "--warm-up-replays",
        defaultValue = "1",
        paramLabel = "R",
        description =
            "Offers each warm-up excerpt's activations R times, under R excerpt ids (1). The"
                + " heaps' thresholds are then those of a capture R times as long, as if the"
                + " warm-up held N x R excerpts, for the cost of N forward passes; the token table"
                + " holds only the N excerpts' tokens.")
    int replays;

    @Option(
        names = "--no-continued",
        description =
            "Time only the forward pass and the capture from empty statistics: no second set of"
                + " statistics shares the heap with the capture's, as in a capture that runs in a"
                + " process of its own.")
    boolean noContinued;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N.")
    String device;

    @Option(
        names = "--corpus",
        paramLabel = "FILE",
        arity = "1..*",
        description =
            "Text or JSONL files (a \"text\" field) to cut the excerpts from, tokenized with the"
                + " model's tokenizer, in place of random token ids. They must hold"
                + " excerpts x (rounds + 1) + warm-up excerpts (with --no-continued, excerpts).")
    java.util.List<Path> corpus;

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
        if (warmUp < -1) {
          throw new UserException("--warm-up must be 0 or more: " + warmUp);
        }
        if (replays < 1) {
          throw new UserException("--warm-up-replays must be at least 1: " + replays);
        }
        // Rows [0, excerpts): the forward pass alone and the capture from empty statistics, every
        // round; then the continued statistics' warm-up; then each round's new excerpts.
        int warm = noContinued ? 0 : warmUp < 0 ? excerpts : warmUp;
        int[][] ids =
            tokenIds(dir, noContinued ? excerpts : excerpts * (rounds + 1) + warm, config);
        int[] layers = IntStream.range(0, config.layers()).toArray();
        int[] neurons = IntStream.range(0, config.innerSize()).toArray();
        if (!quantiles.equals("one-pass") && !quantiles.equals("two-pass")) {
          throw new UserException("--quantiles " + quantiles + ": expected one-pass or two-pass");
        }
        boolean twoPass = quantiles.equals("two-pass");
        CaptureSettings settings =
            new CaptureSettings(context, 50, 50, 250, 0, 50, 2)
                .withQuantiles(CaptureSettings.DEFAULT_QUANTILE_KEYS, twoPass);
        Excerpts all = Excerpts.of(ids);
        int[] first = IntStream.range(0, excerpts).toArray();
        requireHeap(
            layers.length, neurons.length, settings, config.vocabSize(), all, first, ids.length);
        // Warm-up (JIT, native allocator): the continued statistics' first excerpts. They are
        // one-pass: a second pass needs the whole corpus at once.
        CaptureSettings carriedSettings = settings.withQuantiles(settings.quantileKeys(), false);
        Map<Integer, LayerStats> carried = new LinkedHashMap<>();
        if (!noContinued) {
          // A capture knows the excerpts it will see; these statistics are made for the warm-up's
          // ids, replays included, and every round's (warmUp and the rounds below number them).
          int[] carriedIds =
              IntStream.concat(
                      IntStream.range(excerpts, excerpts + warm + rounds * excerpts),
                      IntStream.range(ids.length, ids.length + (replays - 1) * warm))
                  .toArray();
          for (int layer : layers) {
            carried.put(
                layer,
                LayerStats.forExcerpts(
                    layer, neurons, carriedSettings, config.vocabSize(), carriedIds));
          }
          warmUp(gpt2, carried, ids, excerpts, warm, layers);
        }
        // The forward pass alone copies its activations out as a capture's passes do, into arrays
        // reused from pass to pass.
        ActivationBuffers forwardBuffers = new ActivationBuffers();
        Measure forward = new Measure();
        Measure fresh = new Measure();
        Measure continued = new Measure();
        for (int round = 0; round < rounds; round++) {
          int from = excerpts + warm + round * excerpts;
          int[] newIds = IntStream.range(from, from + excerpts).toArray();
          // Rotate which goes first, so that none always follows another's garbage.
          int kinds = noContinued ? 2 : 3;
          for (int turn = 0; turn < kinds; turn++) {
            switch ((turn + round) % kinds) {
              case 0 ->
                  forward.time(
                      () -> {
                        for (int s = 0; s < excerpts; s += batch) {
                          gpt2.forward(
                              java.util.Arrays.copyOfRange(ids, s, Math.min(excerpts, s + batch)),
                              layers,
                              false,
                              forwardBuffers);
                        }
                      });
              case 1 ->
                  fresh.time(
                      () ->
                          CaptureRunner.run(
                              gpt2, all, first, layers, neurons, settings, batch, fresh.waits()));
              default ->
                  continued.time(
                      () ->
                          CaptureRunner.runInto(
                              carried,
                              gpt2,
                              all,
                              newIds,
                              carriedSettings,
                              batch,
                              continued.waits()));
            }
          }
        }
        long tokens = (long) excerpts * context;
        out.printf(
            "model %s: %d layers x %d neurons, %s, PyTorch %s, %d CPU cores, %s statistics; %d"
                + " excerpts x %d tokens (%s), batch %d, best of %d%n",
            dir,
            config.layers(),
            config.innerSize(),
            gpt2.describeCompute(),
            gpt2.engineVersion(),
            Runtime.getRuntime().availableProcessors(),
            LayerStats.kernel(),
            excerpts,
            context,
            corpus == null ? "random token ids" : "cut from " + corpus.size() + " corpus file(s)",
            batch,
            rounds);
        out.println("forward only:  " + forward.summary(tokens));
        out.println("full capture, empty statistics:  " + fresh.summary(tokens));
        if (!noContinued) {
          out.println("full capture, continued:         " + continued.summary(tokens));
        }
        String after =
            replays == 1
                ? warm + " excerpts"
                : warm + " excerpts offered " + replays + " times each";
        out.printf(
            "full / forward: %.1f%% from empty statistics%s (by CPU time: %.1f%%%s)%n",
            100 * forward.wall / fresh.wall,
            continuedPart(
                ", %.1f%% continued after " + after, () -> 100 * forward.wall / continued.wall),
            100 * forward.cpu / fresh.cpu,
            continuedPart(", %.1f%%", () -> 100 * forward.cpu / continued.cpu));
        out.printf(
            "rounds (s): forward%s; empty%s%s%n",
            forward.rounds, fresh.rounds, noContinued ? "" : "; continued" + continued.rounds);
        out.printf(
            "median of the rounds' own ratios (each round times %s, one after another):"
                + " %.1f%% from empty statistics%s%n",
            noContinued ? "both" : "all three",
            100 * forward.medianRatio(fresh),
            continuedPart(", %.1f%% continued", () -> 100 * forward.medianRatio(continued)));
        out.printf(
            "waited for statistics after the forward passes (s): empty%s%s%n",
            fresh.waited, noContinued ? "" : "; continued" + continued.waited);
        out.printf(
            "forward passes' share of the capture's own time, median of the rounds: %.1f%% from"
                + " empty statistics%s%n",
            100 * fresh.medianForwardShare(),
            continuedPart(", %.1f%% continued", () -> 100 * continued.medianForwardShare()));
        out.printf("peak memory: RSS %s, Java heap %s%n", peakRss(), mib(peakHeap()));
        out.flush();
      }
      return 0;
    }

    /** A figure of the continued capture, or nothing where it was left out. */
    private String continuedPart(String format, java.util.function.DoubleSupplier value) {
      return noContinued ? "" : String.format(format, value.getAsDouble());
    }

    /**
     * Fills the continued statistics with the warm-up excerpts, rows [from, from + count) of {@code
     * ids}: each batch's activations are computed once and offered {@link #replays} times, the
     * repeats under excerpt ids past every row's.
     */
    private void warmUp(
        Gpt2Model gpt2,
        Map<Integer, LayerStats> stats,
        int[][] ids,
        int from,
        int count,
        int[] layers) {
      ActivationBuffers buffers = new ActivationBuffers();
      for (int s = from; s < from + count; s += batch) {
        int[][] tokens = java.util.Arrays.copyOfRange(ids, s, Math.min(from + count, s + batch));
        var result = gpt2.forward(tokens, layers, false, buffers);
        for (int r = 0; r < replays; r++) {
          int[] excerptIds = new int[tokens.length];
          for (int b = 0; b < tokens.length; b++) {
            excerptIds[b] = r == 0 ? s + b : ids.length + (r - 1) * count + (s - from) + b;
          }
          stats.values().parallelStream()
              .forEach(layer -> layer.accept(excerptIds, tokens, result.layer(layer.layer())));
        }
      }
    }

    /** {@code count} excerpts of random token ids, or the first {@code count} of the corpus. */
    private int[][] tokenIds(Path dir, int count, Gpt2Config config) {
      if (corpus == null) {
        Random random = new Random(1);
        int[][] ids = new int[count][context];
        for (int[] row : ids) {
          for (int t = 0; t < context; t++) {
            row[t] = random.nextInt(config.vocabSize());
          }
        }
        return ids;
      }
      Gpt2Tokenizer tokenizer = CaptureErrors.asUserErrors(() -> Gpt2Tokenizer.load(dir));
      CaptureCommand.requireVocabularyFits(tokenizer, config);
      Excerpts cut = CaptureCommand.cut(corpus, tokenizer, context, count);
      if (cut.count() < count) {
        throw new UserException(
            String.format(
                java.util.Locale.ROOT,
                "the corpus has %d excerpts of %d tokens; the benchmark needs %d (--excerpts x"
                    + " (--rounds + 1) + --warm-up): give more text or ask for fewer",
                cut.count(),
                context,
                count));
      }
      int[][] ids = new int[count][];
      for (int i = 0; i < count; i++) {
        ids[i] = cut.tokens(i);
      }
      return ids;
    }

    /** Both sets of statistics live at once: refuse up front what would run out of heap. */
    private static void requireHeap(
        int layers,
        int neurons,
        CaptureSettings settings,
        int vocab,
        Excerpts all,
        int[] first,
        int rows) {
      int[] rest = IntStream.range(first.length, rows).toArray();
      long need =
          StatsMemory.of(layers, neurons, settings, vocab, all, first).total()
              + StatsMemory.of(layers, neurons, settings, vocab, all, rest).total();
      long budget = StatsMemory.budget();
      if (need > budget) {
        throw new UserException(
            String.format(
                java.util.Locale.ROOT,
                "the benchmark's statistics need about %d MiB of Java heap, more than the %d MiB"
                    + " this JVM can give them: run it with NEURON_EXPLAINER_JAVA_OPTS=-Xmx%dg,"
                    + " or fewer --excerpts or --warm-up",
                need >> 20,
                budget >> 20,
                StatsMemory.xmxGib(need)));
      }
    }

    /**
     * The best wall and CPU seconds of one kind of timed work, every round's wall time and, for a
     * capture, the time each round waited for its statistics ({@link #waits}).
     */
    private static final class Measure {
      double wall = Double.MAX_VALUE;
      double cpu = Double.MAX_VALUE;
      final StringBuilder rounds = new StringBuilder();
      final StringBuilder waited = new StringBuilder();
      final java.util.List<Double> walls = new java.util.ArrayList<>();
      final java.util.List<Double> forwardShares = new java.util.ArrayList<>();
      private long waitNanos;

      /** A progress that adds up the round's waits for statistics. */
      CaptureProgress waits() {
        return new CaptureProgress() {
          @Override
          public void batchDone(long done, long total, long tokens) {}

          @Override
          public void statisticsWaited(long nanos) {
            waitNanos += nanos;
          }
        };
      }

      /**
       * The median over rounds of the share of the capture's wall time not spent waiting for
       * statistics: the forward passes' share, from within one run, so the machine's drift between
       * this run and the forward-only run does not enter it.
       */
      double medianForwardShare() {
        return median(forwardShares.stream().mapToDouble(Double::doubleValue).toArray());
      }

      /**
       * The median over rounds of this round's wall time over the other's in the same round: on a
       * machine whose speed drifts, a ratio of times taken close together is steadier than a ratio
       * of two best rounds taken apart.
       */
      double medianRatio(Measure other) {
        double[] ratios = new double[walls.size()];
        for (int i = 0; i < ratios.length; i++) {
          ratios[i] = walls.get(i) / other.walls.get(i);
        }
        return median(ratios);
      }

      private static double median(double[] values) {
        if (values.length == 0) {
          return Double.NaN;
        }
        java.util.Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
      }

      void time(Runnable work) {
        waitNanos = 0;
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (waitNanos > 0) {
          waited.append(String.format(" %.2f", waitNanos / 1e9));
          forwardShares.add(1 - waitNanos / 1e9 / seconds);
        }
        wall = Math.min(wall, seconds);
        cpu = Math.min(cpu, (processCpuNanos() - cpuStart) / 1e9);
        rounds.append(String.format(" %.2f", seconds));
        walls.add(seconds);
      }

      String summary(long tokens) {
        return String.format("%.1f tokens/s (%.2f s; CPU %.2f s)", tokens / wall, wall, cpu);
      }
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
