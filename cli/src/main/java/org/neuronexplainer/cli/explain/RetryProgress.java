package org.neuronexplainer.cli.explain;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.neuronexplainer.worker.llm.LlmRetryListener;

/**
 * Says on stderr what a command is waiting on while LLM calls retry: a line when a call first
 * fails, then one every {@code interval} while any call is still waiting, each with how long so
 * far, so that a closed port or an overloaded server is visible long before the attempts run out.
 */
final class RetryProgress implements LlmRetryListener, AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(5);

  private record Waiting(Retry retry, long receivedNanos) {}

  private final PrintWriter err;
  private final long intervalNanos;
  private final Map<Long, Waiting> waiting = new HashMap<>();
  private final ScheduledExecutorService ticker;
  private long lastPrinted;
  private boolean printedAny;

  RetryProgress(PrintWriter err, Duration interval) {
    this.err = err;
    this.intervalNanos = interval.toNanos();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "llm-retry-progress");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(1, intervalNanos / 5);
    ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void retrying(Retry retry) {
    waiting.put(retry.call(), new Waiting(retry, System.nanoTime()));
    tick();
  }

  @Override
  public synchronized void settled(long call) {
    waiting.remove(call);
  }

  private synchronized void tick() {
    long now = System.nanoTime();
    if (printedAny && now - lastPrinted < intervalNanos) {
      return;
    }
    Optional<Waiting> longest =
        waiting.values().stream()
            .max(Comparator.comparingLong(w -> w.retry().elapsed().toNanos() - w.receivedNanos()));
    if (longest.isEmpty()) {
      return;
    }
    err.println(line(longest.get(), now, waiting.size()));
    err.flush();
    printedAny = true;
    lastPrinted = now;
  }

  private static String line(Waiting w, long now, int calls) {
    Retry r = w.retry();
    long seconds = r.elapsed().plusNanos(now - w.receivedNanos()).toSeconds();
    return "waiting for "
        + r.url()
        + ": "
        + r.reason()
        + ", attempt "
        + r.attempt()
        + " of "
        + r.maxAttempts()
        + ", "
        + seconds
        + " s so far"
        + (calls > 1 ? " (" + calls + " calls waiting)" : "");
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
