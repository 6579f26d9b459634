package org.neuronexplainer.worker.llm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The requests-per-minute and tokens-per-minute budget shared by every call of one client. A call
 * reserves one request and its estimated tokens before it is sent and settles the estimate with the
 * response's {@code usage} afterwards. A 429 with {@code Retry-After} pauses every call, not only
 * the one that got it, since they share the provider's window.
 */
public final class RateLimiter {

  private final TokenBucket requests;
  private final TokenBucket tokens;
  private final LongSupplier nanoClock;
  private long resumeAtNanos;

  /** A limit of 0 means none. */
  public RateLimiter(long requestsPerMinute, long tokensPerMinute, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    long now = nanoClock.getAsLong();
    this.requests = requestsPerMinute > 0 ? new TokenBucket(requestsPerMinute, now) : null;
    this.tokens = tokensPerMinute > 0 ? new TokenBucket(tokensPerMinute, now) : null;
    this.resumeAtNanos = now;
  }

  /** Reserves one request and {@code estimatedTokens}; returns the nanoseconds to wait first. */
  public synchronized long reserve(long estimatedTokens) {
    long now = nanoClock.getAsLong();
    long wait = Math.max(0, resumeAtNanos - now);
    if (requests != null) {
      wait = Math.max(wait, requests.reserve(1, now));
    }
    if (tokens != null) {
      wait = Math.max(wait, tokens.reserve(estimatedTokens, now));
    }
    return wait;
  }

  /** {@link #reserve} as a future that completes, on {@code executor}, when the wait is over. */
  public CompletableFuture<Void> acquire(long estimatedTokens, Executor executor) {
    long wait = reserve(estimatedTokens);
    if (wait == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(
        () -> {}, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS, executor));
  }

  /** Corrects a reservation once the real token count is known. */
  public synchronized void settle(long estimatedTokens, long actualTokens) {
    if (tokens != null && estimatedTokens != actualTokens) {
      tokens.adjust(estimatedTokens - actualTokens, nanoClock.getAsLong());
    }
  }

  /** Holds back every new call for at least {@code duration}. */
  public synchronized void pauseFor(Duration duration) {
    long until = nanoClock.getAsLong() + duration.toNanos();
    if (until > resumeAtNanos) {
      resumeAtNanos = until;
    }
  }
}
