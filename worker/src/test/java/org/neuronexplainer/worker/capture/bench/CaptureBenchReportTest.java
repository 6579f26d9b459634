package org.neuronexplainer.worker.capture.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.bench.Timings.Round;

class CaptureBenchReportTest {
  private static final int CONTEXT = 8;
  private static final int BATCH = 2;
  private static final int EXCERPTS = 4;
  private static final int ROUNDS = 2;
  private static final int WARM_UP = 3;
  private static final long MIB = 1 << 20;

  private static final CaptureBenchReport.Setup SETUP =
      new CaptureBenchReport.Setup(
          "m", 2, 192, "cpu float32", "2.7.1", 2, "vector", "random token ids");
  private static final Timings FORWARD =
      new Timings(List.of(new Round(1.0, 2.0, 0), new Round(1.5, 3.0, 0)));
  private static final Timings EMPTY =
      new Timings(List.of(new Round(2.0, 4.0, 0.5), new Round(2.5, 5.0, 0)));
  private static final Timings CONTINUED =
      new Timings(List.of(new Round(4.0, 8.0, 1.0), new Round(5.0, 10.0, 2.0)));

  private static CaptureBenchPlan plan(int warmUp, int replays, boolean continued) {
    return new CaptureBenchPlan(
        CONTEXT, BATCH, EXCERPTS, ROUNDS, warmUp, replays, continued, false);
  }

  @Test
  void reportsTokensPerSecondRatiosRoundsWaitsAndPeakMemory() {
    List<String> lines =
        CaptureBenchReport.lines(
            SETUP,
            plan(WARM_UP, 1, true),
            new CaptureBench.Result(FORWARD, EMPTY, Optional.of(CONTINUED)),
            new PeakMemory(OptionalLong.of(2 * MIB), MIB));
    assertThat(lines)
        .containsExactly(
            "model m: 2 layers x 192 neurons, cpu float32, PyTorch 2.7.1, 2 CPU cores, vector"
                + " statistics; 4 excerpts x 8 tokens (random token ids), batch 2, best of 2",
            "forward only:  32.0 tokens/s (1.00 s; CPU 2.00 s)",
            "full capture, empty statistics:  16.0 tokens/s (2.00 s; CPU 4.00 s)",
            "full capture, continued:         8.0 tokens/s (4.00 s; CPU 8.00 s)",
            "full / forward: 50.0% from empty statistics, 25.0% continued after 3 excerpts"
                + " (by CPU time: 50.0%, 25.0%)",
            "rounds (s): forward 1.00 1.50; empty 2.00 2.50; continued 4.00 5.00",
            "median of the rounds' own ratios (each round times all three, one after another):"
                + " 55.0% from empty statistics, 27.5% continued",
            "waited for statistics after the forward passes (s): empty 0.50; continued 1.00 2.00",
            "forward passes' share of the capture's own time, median of the rounds: 75.0% from"
                + " empty statistics, 67.5% continued",
            "peak memory: RSS 2 MiB, Java heap 1 MiB");
  }

  @Test
  void aWarmUpOfferedSeveralTimesSaysSo() {
    List<String> lines =
        CaptureBenchReport.lines(
            SETUP,
            plan(WARM_UP, 4, true),
            new CaptureBench.Result(FORWARD, EMPTY, Optional.of(CONTINUED)),
            new PeakMemory(OptionalLong.of(MIB), MIB));
    assertThat(lines).anyMatch(l -> l.contains("continued after 3 excerpts offered 4 times each"));
  }

  @Test
  void withoutTheContinuedCaptureNoLineMentionsIt() {
    List<String> lines =
        CaptureBenchReport.lines(
            SETUP,
            plan(0, 1, false),
            new CaptureBench.Result(FORWARD, EMPTY, Optional.empty()),
            new PeakMemory(OptionalLong.empty(), MIB));
    assertThat(lines).noneMatch(l -> l.contains("continued"));
    assertThat(lines)
        .contains(
            "full / forward: 50.0% from empty statistics (by CPU time: 50.0%)",
            "rounds (s): forward 1.00 1.50; empty 2.00 2.50",
            "waited for statistics after the forward passes (s): empty 0.50",
            "peak memory: RSS unknown, Java heap 1 MiB")
        .anyMatch(l -> l.startsWith("median of the rounds' own ratios (each round times both,"));
  }
}
