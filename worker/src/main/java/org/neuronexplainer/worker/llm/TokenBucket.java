package org.neuronexplainer.worker.llm;

/**
 * A token bucket for one per-minute budget (requests or tokens), as pure arithmetic on a caller's
 * clock. It refills continuously at {@code perMinute / 60} units per second up to a burst of one
 * second's worth, because providers enforce per-minute limits over shorter windows.
 *
 * <p>A reservation is taken at once, even when it drives the balance negative; the caller then
 * waits the returned time. Later callers queue behind that debt, so waits are FIFO without a queue,
 * and a request larger than the burst still goes through, just later. Not thread-safe: {@link
 * RateLimiter} synchronizes.
 */
final class TokenBucket {

  private final double unitsPerNano;
  private final double capacity;
  private double balance;
  private long lastNanos;

  TokenBucket(long perMinute, long nowNanos) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("perMinute must be at least 1");
    }
    this.unitsPerNano = perMinute / 60e9;
    this.capacity = Math.max(1.0, perMinute / 60.0);
    this.balance = capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes {@code units} and returns how many nanoseconds to wait before using them. */
  long reserve(long units, long nowNanos) {
    refill(nowNanos);
    balance -= units;
    return balance >= 0 ? 0 : (long) Math.ceil(-balance / unitsPerNano);
  }

  /** Gives back {@code units} (negative: takes more), e.g. to settle an estimate. */
  void adjust(long units, long nowNanos) {
    refill(nowNanos);
    balance = Math.min(capacity, balance + units);
  }

  double balance(long nowNanos) {
    refill(nowNanos);
    return balance;
  }

  private void refill(long nowNanos) {
    if (nowNanos > lastNanos) {
      balance = Math.min(capacity, balance + (nowNanos - lastNanos) * unitsPerNano);
      lastNanos = nowNanos;
    }
  }
}
