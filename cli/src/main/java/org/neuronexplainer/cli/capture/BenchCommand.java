package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.bench.CaptureBench;
import org.neuronexplainer.worker.capture.bench.CaptureBenchPlan;
import org.neuronexplainer.worker.capture.bench.CaptureBenchReport;
import org.neuronexplainer.worker.capture.bench.PeakMemory;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.BatchSize;
import org.neuronexplainer.worker.capture.run.StatsPlacement;
import org.neuronexplainer.worker.capture.stats.StatsMemory;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code neuron-explainer bench}: benchmarks (measurements, not tests). The measurements live with
 * the code they measure ({@code worker.capture.bench}); these commands check options and print.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks.",
    subcommands = BenchCommand.Capture.class)
public final class BenchCommand implements Runnable {
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

    @Option(
        names = "--model",
        paramLabel = "DIR",
        description =
            "A checkpoint directory, GPT-2, Llama, Mistral or Qwen 2 (default: the smoke"
                + " model).")
    String model;

    @Option(
        names = "--batch",
        defaultValue = "auto",
        paramLabel = "N|auto",
        description =
            "Excerpts per pass; auto (the default): as capture chooses, 8 on the CPU, on a GPU"
                + " from its free memory.")
    String batch;

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
        names = "--precision",
        defaultValue = "float32",
        description =
            "float32, or float16 (GPUs; the statistics stay float32). bfloat16 is refused: DJL"
                + " 0.36 cannot hold bfloat16 tensors.")
    String precision;

    @Option(
        names = "--stats",
        defaultValue = "auto",
        description =
            "Where each batch's statistics start: host (every activation copied out), device"
                + " (reduced where the activations are; only what a neuron may keep is copied) or"
                + " auto (device on a GPU, host on the CPU).")
    String stats;

    @Option(
        names = "--corpus",
        paramLabel = "FILE",
        arity = "1..*",
        description =
            "Text or JSONL files (a \"text\" field) to cut the excerpts from, tokenized with the"
                + " model's tokenizer, in place of random token ids. They must hold"
                + " excerpts x (rounds + 1) + warm-up excerpts (with --no-continued, excerpts).")
    List<Path> corpus;

    @Option(
        names = "--quantiles",
        defaultValue = "one-pass",
        description = "one-pass or two-pass (the full capture runs the excerpts twice).")
    String quantiles;

    @Override
    public Integer call() {
      boolean twoPass = twoPassQuantiles();
      int requested = batchOption();
      if (context < 1 || excerpts < 1 || rounds < 1) {
        throw new UserException("need 1 <= --context <= n_positions, --batch and --excerpts >= 1");
      }
      if (warmUp < -1) {
        throw new UserException("--warm-up must be 0 or more: " + warmUp);
      }
      if (replays < 1) {
        throw new UserException("--warm-up-replays must be at least 1: " + replays);
      }
      int warm = noContinued ? 0 : warmUp < 0 ? excerpts : warmUp;
      Path dir = model == null ? SmokeModel.ensure() : ModelDirectory.require(model);
      StatsPlacement placement;
      ComputeOptions compute;
      try {
        placement = StatsPlacement.parse(stats);
        compute = new ComputeOptions(device, Precision.parse(precision));
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      String previous = System.getProperty(StatsPlacement.PROPERTY);
      System.setProperty(StatsPlacement.PROPERTY, placement.name().toLowerCase(Locale.ROOT));
      try (SubjectModel gpt2 = CaptureErrors.asUserErrors(() -> SubjectModel.load(dir, compute))) {
        SubjectConfig config = gpt2.config();
        if (context > config.positions()) {
          throw new UserException(
              "need 1 <= --context <= n_positions, --batch and --excerpts >= 1");
        }
        BatchSize.Choice batch =
            BatchSize.resolve(requested, gpt2, config.layers(), context, placement.onDevice(gpt2));
        CaptureBenchPlan plan =
            new CaptureBenchPlan(
                context, batch.size(), excerpts, rounds, warm, replays, !noContinued, twoPass);
        int[][] ids = tokenIds(dir, plan.rows(), config);
        requireHeap(CaptureBench.statisticsBytes(config, plan, ids));
        CaptureBench.Result result = CaptureBench.run(gpt2, ids, plan);
        String tokens =
            corpus == null ? "random token ids" : "cut from " + corpus.size() + " corpus file(s)";
        PrintWriter out = spec.commandLine().getOut();
        out.println("batch: " + batch);
        CaptureBenchReport.lines(
                CaptureBenchReport.Setup.of(dir.toString(), gpt2, tokens)
                    .withStatistics(placement.onDevice(gpt2)),
                plan,
                result,
                PeakMemory.ofThisProcess())
            .forEach(out::println);
        out.flush();
      } finally {
        if (previous == null) {
          System.clearProperty(StatsPlacement.PROPERTY);
        } else {
          System.setProperty(StatsPlacement.PROPERTY, previous);
        }
      }
      return 0;
    }

    private int batchOption() {
      if (batch.equalsIgnoreCase("auto")) {
        return BatchSize.AUTO;
      }
      try {
        int size = Integer.parseInt(batch.trim());
        if (size >= 1) {
          return size;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw new UserException("need 1 <= --context <= n_positions, --batch and --excerpts >= 1");
    }

    private boolean twoPassQuantiles() {
      return switch (quantiles) {
        case "one-pass" -> false;
        case "two-pass" -> true;
        default ->
            throw new UserException("--quantiles " + quantiles + ": expected one-pass or two-pass");
      };
    }

    /** {@code count} excerpts of random token ids, or the first {@code count} of the corpus. */
    private int[][] tokenIds(Path dir, int count, SubjectConfig config) {
      if (corpus == null) {
        return CaptureBench.randomTokenIds(count, context, config.vocabSize());
      }
      Excerpts cut;
      try (SubjectTokenizer tokenizer =
          CaptureErrors.asUserErrors(() -> SubjectTokenizer.load(dir))) {
        CaptureCommand.requireVocabularyFits(tokenizer, config);
        cut = CaptureCommand.cut(corpus, tokenizer, context, count);
      }
      if (cut.count() < count) {
        throw new UserException(
            String.format(
                Locale.ROOT,
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
    private static void requireHeap(long need) {
      long budget = StatsMemory.budget();
      if (need > budget) {
        throw new UserException(
            String.format(
                Locale.ROOT,
                "the benchmark's statistics need about %d MiB of Java heap, more than the %d MiB"
                    + " this JVM can give them: run it with NEURON_EXPLAINER_JAVA_OPTS=-Xmx%dg,"
                    + " or fewer --excerpts or --warm-up",
                need >> 20,
                budget >> 20,
                StatsMemory.xmxGib(need)));
      }
    }
  }
}
