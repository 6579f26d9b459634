package org.neuronexplainer.worker.capture.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.stats.LayerStats;

/**
 * The capture benchmark's report: its lines, from the timings alone, with figures in the root
 * locale.
 */
public final class CaptureBenchReport {

  /**
   * What the benchmark ran on.
   *
   * @param model the model, as the user named it
   * @param compute where the forward pass ran ({@link SubjectModel#describeCompute})
   * @param engineVersion the libtorch version
   * @param kernel the statistics' inner loop ({@link LayerStats#kernel})
   * @param tokens where the token ids came from, e.g. {@code random token ids}
   */
  public record Setup(
      String model,
      int layers,
      int neurons,
      String compute,
      String engineVersion,
      int cores,
      String kernel,
      String tokens) {

    /** The setup of a run on {@code gpt2} in this process. */
    public static Setup of(String model, SubjectModel gpt2, String tokens) {
      SubjectConfig config = gpt2.config();
      return new Setup(
          model,
          config.layers(),
          config.neurons(),
          gpt2.describeCompute(),
          gpt2.engineVersion(),
          Runtime.getRuntime().availableProcessors(),
          LayerStats.kernel(),
          tokens);
    }

    /**
     * This setup with the statistics' start named: reduced on the device, or from every copied
     * activation on the host (the kernel alone).
     */
    public Setup withStatistics(boolean onDevice) {
      String statistics = onDevice ? "device-reduced, then " + kernel : "host " + kernel;
      return new Setup(model, layers, neurons, compute, engineVersion, cores, statistics, tokens);
    }
  }

  private CaptureBenchReport() {}

  /**
   * The report: the setup; tokens per second of each kind of work (best round); the forward pass's
   * time over each capture's, by wall and by CPU time; every round's time; the medians of the
   * rounds' own ratios; each capture's waits for its statistics; the peak memory.
   */
  public static List<String> lines(
      Setup setup, CaptureBenchPlan plan, CaptureBench.Result result, PeakMemory peak) {
    Timings forward = result.forward();
    Timings empty = result.empty();
    Optional<Timings> continued = result.continued();
    long tokens = plan.tokensPerRun();
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "model %s: %d layers x %d neurons, %s, PyTorch %s, %d CPU cores, %s statistics; %d"
                + " excerpts x %d tokens (%s), batch %d, best of %d",
            setup.model(),
            setup.layers(),
            setup.neurons(),
            setup.compute(),
            setup.engineVersion(),
            setup.cores(),
            setup.kernel(),
            plan.excerpts(),
            plan.context(),
            setup.tokens(),
            plan.batch(),
            plan.rounds()));
    lines.add("forward only:  " + summary(forward, tokens));
    lines.add("full capture, empty statistics:  " + summary(empty, tokens));
    continued.ifPresent(c -> lines.add("full capture, continued:         " + summary(c, tokens)));
    String after =
        plan.replays() == 1
            ? plan.warmUp() + " excerpts"
            : plan.warmUp() + " excerpts offered " + plan.replays() + " times each";
    lines.add(
        String.format(
            Locale.ROOT,
            "full / forward: %.1f%% from empty statistics%s (by CPU time: %.1f%%%s)",
            100 * forward.bestWallSeconds() / empty.bestWallSeconds(),
            part(
                continued,
                ", %.1f%% continued after " + after,
                c -> 100 * forward.bestWallSeconds() / c.bestWallSeconds()),
            100 * forward.bestCpuSeconds() / empty.bestCpuSeconds(),
            part(continued, ", %.1f%%", c -> 100 * forward.bestCpuSeconds() / c.bestCpuSeconds())));
    lines.add(
        String.format(
            Locale.ROOT,
            "rounds (s): forward%s; empty%s%s",
            seconds(forward.wallSeconds()),
            seconds(empty.wallSeconds()),
            continued.map(c -> "; continued" + seconds(c.wallSeconds())).orElse("")));
    lines.add(
        String.format(
            Locale.ROOT,
            "median of the rounds' own ratios (each round times %s, one after another):"
                + " %.1f%% from empty statistics%s",
            continued.isPresent() ? "all three" : "both",
            100 * forward.medianRatio(empty),
            part(continued, ", %.1f%% continued", c -> 100 * forward.medianRatio(c))));
    lines.add(
        String.format(
            Locale.ROOT,
            "waited for statistics after the forward passes (s): empty%s%s",
            seconds(empty.waitedSeconds()),
            continued.map(c -> "; continued" + seconds(c.waitedSeconds())).orElse("")));
    lines.add(
        String.format(
            Locale.ROOT,
            "forward passes' share of the capture's own time, median of the rounds: %.1f%% from"
                + " empty statistics%s",
            100 * empty.medianForwardShare(),
            part(continued, ", %.1f%% continued", c -> 100 * c.medianForwardShare())));
    lines.add(
        String.format(
            Locale.ROOT,
            "peak memory: RSS %s, Java heap %s",
            peak.rssBytes().isPresent() ? mib(peak.rssBytes().getAsLong()) : "unknown",
            mib(peak.heapBytes())));
    return lines;
  }

  /** Tokens per second of the best round, its wall and CPU seconds. */
  private static String summary(Timings timings, long tokens) {
    return String.format(
        Locale.ROOT,
        "%.1f tokens/s (%.2f s; CPU %.2f s)",
        tokens / timings.bestWallSeconds(),
        timings.bestWallSeconds(),
        timings.bestCpuSeconds());
  }

  /** A figure of the continued capture, or nothing where it was left out. */
  private static String part(
      Optional<Timings> continued, String format, ToDoubleFunction<Timings> value) {
    return continued
        .map(c -> String.format(Locale.ROOT, format, value.applyAsDouble(c)))
        .orElse("");
  }

  private static String seconds(double[] values) {
    StringBuilder text = new StringBuilder();
    for (double value : values) {
      text.append(String.format(Locale.ROOT, " %.2f", value));
    }
    return text.toString();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }
}
