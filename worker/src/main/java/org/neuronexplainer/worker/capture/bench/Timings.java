package org.neuronexplainer.worker.capture.bench;

import java.util.Arrays;
import java.util.List;

/** Every timed round of one kind of work, in the order they ran. */
public record Timings(List<Round> rounds) {

  /**
   * One round.
   *
   * @param wallSeconds the round's wall time
   * @param cpuSeconds the process's CPU time over the round, all threads
   * @param waitedSeconds for a capture, the time it waited for its statistics after the forward
   *     passes; 0 otherwise
   */
  public record Round(double wallSeconds, double cpuSeconds, double waitedSeconds) {}

  public Timings {
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("no rounds");
    }
    rounds = List.copyOf(rounds);
  }

  public double bestWallSeconds() {
    return rounds.stream().mapToDouble(Round::wallSeconds).min().orElseThrow();
  }

  public double bestCpuSeconds() {
    return rounds.stream().mapToDouble(Round::cpuSeconds).min().orElseThrow();
  }

  /** The rounds' wall times. */
  public double[] wallSeconds() {
    return rounds.stream().mapToDouble(Round::wallSeconds).toArray();
  }

  /** The waits of the rounds that waited for their statistics. */
  public double[] waitedSeconds() {
    return rounds.stream().mapToDouble(Round::waitedSeconds).filter(w -> w > 0).toArray();
  }

  /**
   * The median over rounds of this round's wall time over the other's in the same round: on a
   * machine whose speed drifts, a ratio of times taken close together is steadier than a ratio of
   * two best rounds taken apart.
   */
  public double medianRatio(Timings other) {
    if (other.rounds.size() != rounds.size()) {
      throw new IllegalArgumentException(
          "rounds differ: " + rounds.size() + " and " + other.rounds.size());
    }
    double[] ratios = new double[rounds.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = rounds.get(i).wallSeconds() / other.rounds.get(i).wallSeconds();
    }
    return median(ratios);
  }

  /**
   * The median over the rounds that waited of the share of the capture's wall time not spent
   * waiting for statistics: the forward passes' share, from within one run, so the machine's drift
   * between this run and the forward-only run does not enter it. NaN when no round waited.
   */
  public double medianForwardShare() {
    return median(
        rounds.stream()
            .filter(r -> r.waitedSeconds() > 0)
            .mapToDouble(r -> 1 - r.waitedSeconds() / r.wallSeconds())
            .toArray());
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
