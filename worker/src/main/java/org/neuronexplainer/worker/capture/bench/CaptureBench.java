package org.neuronexplainer.worker.capture.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.neuronexplainer.worker.capture.ActivationBuffers;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.CaptureProgress;
import org.neuronexplainer.worker.capture.run.CaptureRunner;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.StatsMemory;

/**
 * Times, on every layer and neuron of a model, the forward pass alone (every layer's MLP
 * activations copied out, as a capture's passes do), the capture from empty statistics (every
 * excerpt enters the heaps, every token gets its table row) and, when the plan asks for it, the
 * capture continued on statistics that already hold the warm-up and the earlier rounds, as later in
 * a long capture.
 */
public final class CaptureBench {

  /** The timings of each kind of work; the continued capture's only where it was timed. */
  public record Result(Timings forward, Timings empty, Optional<Timings> continued) {}

  private CaptureBench() {}

  /** {@code count} excerpts of {@code context} token ids below {@code vocab}, from a fixed seed. */
  public static int[][] randomTokenIds(int count, int context, int vocab) {
    Random random = new Random(1);
    int[][] ids = new int[count][context];
    for (int[] row : ids) {
      for (int t = 0; t < context; t++) {
        row[t] = random.nextInt(vocab);
      }
    }
    return ids;
  }

  /**
   * The Java heap both sets of statistics need at once: the capture's from empty statistics, on the
   * first {@code excerpts} rows, and the continued one's, on the rest.
   */
  public static long statisticsBytes(SubjectConfig config, CaptureBenchPlan plan, int[][] ids) {
    Excerpts all = Excerpts.of(ids);
    int[] first = IntStream.range(0, plan.excerpts()).toArray();
    int[] rest = IntStream.range(plan.excerpts(), ids.length).toArray();
    CaptureSettings settings = plan.settings();
    return StatsMemory.of(
                config.layers(), config.neurons(), settings, config.vocabSize(), all, first)
            .total()
        + StatsMemory.of(config.layers(), config.neurons(), settings, config.vocabSize(), all, rest)
            .total();
  }

  /** Runs the plan on {@code ids}, {@link CaptureBenchPlan#rows} excerpts of its context. */
  public static Result run(SubjectModel gpt2, int[][] ids, CaptureBenchPlan plan) {
    if (ids.length != plan.rows()) {
      throw new IllegalArgumentException(
          "the plan reads " + plan.rows() + " excerpts, not " + ids.length);
    }
    SubjectConfig config = gpt2.config();
    int[] layers = IntStream.range(0, config.layers()).toArray();
    int[] neurons = IntStream.range(0, config.neurons()).toArray();
    int excerpts = plan.excerpts();
    int warm = plan.warmUp();
    CaptureSettings settings = plan.settings();
    Excerpts all = Excerpts.of(ids);
    int[] first = IntStream.range(0, excerpts).toArray();
    // The warm-up (JIT, native allocator) fills the continued statistics' first excerpts. They are
    // one-pass: a second pass needs the whole corpus at once.
    CaptureSettings carriedSettings = settings.withQuantiles(settings.quantileKeys(), false);
    Map<Integer, LayerStats> carried = new LinkedHashMap<>();
    if (plan.continued()) {
      // A capture knows the excerpts it will see; these statistics are made for the warm-up's
      // ids, replays included, and every round's.
      int[] carriedIds =
          IntStream.concat(
                  IntStream.range(excerpts, excerpts + warm + plan.rounds() * excerpts),
                  IntStream.range(ids.length, ids.length + (plan.replays() - 1) * warm))
              .toArray();
      for (int layer : layers) {
        carried.put(
            layer,
            LayerStats.forExcerpts(
                layer, neurons, carriedSettings, config.vocabSize(), carriedIds));
      }
      warmUp(gpt2, carried, ids, plan, layers);
    }
    // The forward pass alone copies its activations out into arrays reused from pass to pass.
    ActivationBuffers forwardBuffers = new ActivationBuffers();
    Stopwatch forward = new Stopwatch();
    Stopwatch empty = new Stopwatch();
    Stopwatch continued = new Stopwatch();
    int kinds = plan.continued() ? 3 : 2;
    for (int round = 0; round < plan.rounds(); round++) {
      int from = excerpts + warm + round * excerpts;
      int[] newIds = IntStream.range(from, from + excerpts).toArray();
      // Rotate which goes first, so that none always follows another's garbage.
      for (int turn = 0; turn < kinds; turn++) {
        switch ((turn + round) % kinds) {
          case 0 ->
              forward.time(
                  () -> {
                    for (int s = 0; s < excerpts; s += plan.batch()) {
                      int[][] batch =
                          Arrays.copyOfRange(ids, s, Math.min(excerpts, s + plan.batch()));
                      gpt2.forward(batch, layers, false, forwardBuffers);
                    }
                  });
          case 1 ->
              empty.time(
                  () ->
                      CaptureRunner.run(
                          gpt2,
                          all,
                          first,
                          layers,
                          neurons,
                          settings,
                          plan.batch(),
                          empty.waits()));
          default ->
              continued.time(
                  () ->
                      CaptureRunner.runInto(
                          carried,
                          gpt2,
                          all,
                          newIds,
                          carriedSettings,
                          plan.batch(),
                          continued.waits()));
        }
      }
    }
    return new Result(
        forward.timings(),
        empty.timings(),
        plan.continued() ? Optional.of(continued.timings()) : Optional.empty());
  }

  /**
   * Fills the continued statistics with the warm-up excerpts, the rows after the first {@code
   * excerpts}: each batch's activations are computed once and offered {@code replays} times, the
   * repeats under excerpt ids past every row's.
   */
  private static void warmUp(
      SubjectModel gpt2,
      Map<Integer, LayerStats> stats,
      int[][] ids,
      CaptureBenchPlan plan,
      int[] layers) {
    int from = plan.excerpts();
    int count = plan.warmUp();
    ActivationBuffers buffers = new ActivationBuffers();
    for (int s = from; s < from + count; s += plan.batch()) {
      int[][] tokens = Arrays.copyOfRange(ids, s, Math.min(from + count, s + plan.batch()));
      ForwardResult result = gpt2.forward(tokens, layers, false, buffers);
      for (int r = 0; r < plan.replays(); r++) {
        int[] excerptIds = new int[tokens.length];
        for (int b = 0; b < tokens.length; b++) {
          excerptIds[b] = r == 0 ? s + b : ids.length + (r - 1) * count + (s - from) + b;
        }
        stats.values().parallelStream()
            .forEach(layer -> layer.accept(excerptIds, tokens, result.layer(layer.layer())));
      }
    }
  }

  /** Times one kind of work, round after round, with a capture's waits for its statistics. */
  private static final class Stopwatch {
    private final List<Timings.Round> rounds = new ArrayList<>();
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

    void time(Runnable work) {
      waitNanos = 0;
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      work.run();
      double wall = (System.nanoTime() - start) / 1e9;
      double cpu = (processCpuNanos() - cpuStart) / 1e9;
      rounds.add(new Timings.Round(wall, cpu, waitNanos / 1e9));
    }

    Timings timings() {
      return new Timings(rounds);
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }
}
