package org.neuronexplainer.worker.capture.hub;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of one large download on stderr: bytes, rate and time left. On a terminal one line is
 * redrawn a few times a second; otherwise (a log) one line per ~10%.
 */
final class DownloadProgress {
  private static final long REDRAW_NANOS = 250_000_000L;

  private final PrintStream out;
  private final boolean tty;
  private final String label;
  private final long total;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastDraw;
  private int lastTenth;

  DownloadProgress(PrintStream out, boolean tty, String label, long total, LongSupplier nanoTime) {
    this.out = out;
    this.tty = tty;
    this.label = label;
    this.total = total;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.lastDraw = start;
  }

  void update(long bytes) {
    long now = nanoTime.getAsLong();
    if (tty) {
      if (now - lastDraw >= REDRAW_NANOS) {
        lastDraw = now;
        out.print("\r" + line(bytes, now));
        out.flush();
      }
      return;
    }
    int tenth = total > 0 ? (int) (bytes * 10 / total) : 0;
    if (tenth > lastTenth && tenth < 10) {
      lastTenth = tenth;
      out.println(line(bytes, now));
    }
  }

  void done(long bytes) {
    long now = nanoTime.getAsLong();
    out.print((tty ? "\r" : "") + line(bytes, now) + System.lineSeparator());
    out.flush();
  }

  String line(long bytes, long now) {
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    double rate = bytes / seconds;
    StringBuilder s = new StringBuilder(label).append(": ").append(size(bytes));
    if (total > 0) {
      s.append(" of ").append(size(total)).append(" (").append(bytes * 100 / total).append("%)");
    }
    s.append(", ").append(size((long) rate)).append("/s");
    if (total > 0 && bytes < total && rate > 0) {
      s.append(", ").append(duration((long) ((total - bytes) / rate))).append(" left");
    }
    return s.toString();
  }

  static String size(long bytes) {
    if (bytes < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
    if (bytes < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
  }
}
