package org.neuronexplainer.cli.capture;

import java.io.PrintStream;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.run.BatchSize;
import org.neuronexplainer.worker.capture.run.CaptureProgress;

/**
 * Capture progress on standard error: a bar redrawn in place on a terminal (excerpts and tokens per
 * second, time left), or a plain line every 10% when standard error is a file or a pipe.
 */
final class ProgressBar implements CaptureProgress {
  private static final long REDRAW_NANOS = 200_000_000L;
  private final PrintStream err;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastTenth = -1;

  ProgressBar(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** {@code mode}: auto (a bar when there is a console), bar, lines or none. */
  static CaptureProgress of(String mode, PrintStream err) {
    return switch (mode) {
      case "auto" -> new ProgressBar(err, System.console() != null);
      case "bar" -> new ProgressBar(err, true);
      case "lines" -> new ProgressBar(err, false);
      case "none" -> CaptureProgress.NONE;
      default -> throw new UserException("--progress must be auto, bar, lines or none: " + mode);
    };
  }

  @Override
  public void batchDone(long done, long total, long tokens) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    double fraction = total == 0 ? 1 : (double) done / total;
    String rates =
        String.format(
            "%d/%d excerpts  %.1f excerpts/s  %.0f tokens/s  %s left",
            done, total, done / seconds, tokens / seconds, eta(seconds, fraction));
    if (terminal) {
      if (now - lastDraw >= REDRAW_NANOS || done == total) {
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + rates + "  ");
        if (done == total) {
          err.println();
        }
        err.flush();
        lastDraw = now;
      }
    } else {
      int tenth = (int) Math.floor(fraction * 10);
      if (tenth > lastTenth) {
        err.printf("capture: %3d%%  %s%n", tenth * 10, rates);
        err.flush();
        lastTenth = tenth;
      }
    }
  }

  @Override
  public void batchSize(BatchSize.Choice choice) {
    err.println("capture: batches of " + choice);
    err.flush();
  }

  private static String eta(double seconds, double fraction) {
    if (fraction <= 0) {
      return "?";
    }
    long left = Math.round(seconds * (1 - fraction) / fraction);
    return left >= 3600
        ? String.format("%dh%02dm", left / 3600, left % 3600 / 60)
        : String.format("%dm%02ds", left / 60, left % 60);
  }
}
