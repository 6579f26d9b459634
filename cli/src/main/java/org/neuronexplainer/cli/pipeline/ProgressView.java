package org.neuronexplainer.cli.pipeline;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.neuronexplainer.coordinator.progress.RunProgress;

/**
 * Draws a run's progress on standard error: a bar redrawn in place on a terminal, a plain line
 * every few seconds otherwise (logs, CI).
 */
final class ProgressView {

  private static final int WIDTH = 30;
  private static final long PLAIN_EVERY_MILLIS = 5_000;

  private final PrintStream err;
  private final boolean tty;
  private long lastPlain;
  private boolean drawn;

  ProgressView(PrintStream err, boolean tty) {
    this.err = err;
    this.tty = tty;
  }

  void show(RunProgress.Summary s, boolean last) {
    if (s == null) {
      return;
    }
    String line = line(s);
    if (tty) {
      err.print("\r" + line + "\u001b[K");
      if (last) {
        err.println();
      }
      err.flush();
    } else {
      long now = System.currentTimeMillis();
      if (last || now - lastPlain >= PLAIN_EVERY_MILLIS) {
        lastPlain = now;
        err.println(line);
      }
    }
  }

  /**
   * Progress of counting a dry run's requests, drawn once it has taken more than a second (a small
   * run prints nothing), and on the last neuron when anything was drawn.
   */
  void counting(int done, int total, double seconds) {
    boolean last = done == total;
    if (!drawn && (seconds < 1 || last)) {
      return;
    }
    int filled = (int) Math.round(WIDTH * (double) done / Math.max(1, total));
    String line =
        String.format(
            Locale.ROOT,
            "counting requests [%s] %d/%d neurons, %.0f neurons/s",
            "#".repeat(filled) + "-".repeat(WIDTH - filled),
            done,
            total,
            done / seconds);
    drawn = true;
    if (tty) {
      err.print("\r" + line + "\u001b[K");
      if (last) {
        err.println();
      }
      err.flush();
    } else {
      long now = System.currentTimeMillis();
      if (last || now - lastPlain >= PLAIN_EVERY_MILLIS) {
        lastPlain = now;
        err.println(line);
      }
    }
  }

  static String line(RunProgress.Summary s) {
    Map<String, Integer> st = s.states();
    int done = st.getOrDefault("done", 0);
    int failed = st.getOrDefault("failed", 0);
    int working = st.getOrDefault("explaining", 0);
    int skipped = st.getOrDefault("skipped", 0);
    int total = Math.max(1, s.neurons());
    int filled = (int) Math.round(WIDTH * (double) (done + failed + skipped) / total);
    String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    return units(s.units())
        + String.format(
            Locale.ROOT,
            "explain-and-score [%s] %d/%d done, %d failed, %s%d in progress, %.0f neurons/s%s",
            bar,
            done,
            s.neurons(),
            failed,
            skipped == 0 ? "" : skipped + " skipped (dead), ",
            working,
            s.throughputPerSecond(),
            s.etaSeconds() == null || s.etaSeconds() == 0
                ? ""
                : String.format(Locale.ROOT, ", about %.0f s left", s.etaSeconds()));
  }

  /** A capture run's units done per stage, e.g. {@code capture 4/6, collate 0/12 | }. */
  static String units(Map<String, Integer> units) {
    StringBuilder out = new StringBuilder();
    for (String stage : new String[] {"capture", "collate", "weights"}) {
      int all = 0;
      for (Map.Entry<String, Integer> e : units.entrySet()) {
        if (e.getKey().startsWith(stage + ":")) {
          all += e.getValue();
        }
      }
      if (all > 0) {
        out.append(stage)
            .append(' ')
            .append(units.getOrDefault(stage + ":succeeded", 0))
            .append('/')
            .append(all)
            .append(", ");
      }
    }
    return out.length() == 0 ? "" : out.substring(0, out.length() - 2) + " | ";
  }
}
