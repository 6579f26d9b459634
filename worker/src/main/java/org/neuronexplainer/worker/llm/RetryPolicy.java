package org.neuronexplainer.worker.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to retry and how long to wait: exponential backoff from {@code initialDelay}, doubled per
 * failure up to {@code maxDelay}, with ±20% jitter (docs/method.md 6 keeps the original's shape),
 * but never shorter than the server's {@code Retry-After}.
 */
public final class RetryPolicy {

  // Jitter spreads the retries of many concurrent calls that failed together.
  private static final double JITTER = 0.2;
  // A Retry-After longer than this is treated as this: a call should fail rather than hang.
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private final int maxAttempts;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final DoubleSupplier random;

  /** {@code random} returns values in [0, 1). */
  public RetryPolicy(
      int maxAttempts, Duration initialDelay, Duration maxDelay, DoubleSupplier random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay.compareTo(initialDelay) < 0 ? initialDelay : maxDelay;
    this.random = random;
  }

  public static RetryPolicy from(LlmConfig config) {
    return new RetryPolicy(
        config.maxAttempts(),
        config.retryInitialDelay(),
        config.retryMaxDelay(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Whether an HTTP status is worth another try: 408 and 429 (the server asks us to slow down), 409
   * (OpenAI's transient lock conflicts) and every 5xx. Other 4xx describe the request itself.
   */
  public static boolean isRetryableStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** The wait after failed attempt number {@code attempt} (1-based). */
  public Duration delayAfter(int attempt, Optional<Duration> retryAfter) {
    double base = initialDelay.toNanos() * Math.pow(2, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxDelay.toNanos());
    double jittered = capped * (1 - JITTER + 2 * JITTER * random.getAsDouble());
    Duration backoff = Duration.ofNanos((long) jittered);
    if (retryAfter.isPresent()) {
      Duration serverWait = retryAfter.get();
      if (serverWait.compareTo(MAX_RETRY_AFTER) > 0) {
        serverWait = MAX_RETRY_AFTER;
      }
      // The server knows its own window: wait at least that long, jitter only upwards.
      return serverWait.compareTo(backoff) > 0 ? serverWait : backoff;
    }
    return backoff;
  }

  /**
   * Parses {@code retry-after-ms} (milliseconds, sent by OpenAI and Azure) or {@code Retry-After}
   * (delta-seconds, possibly fractional, or an HTTP date).
   */
  public static Optional<Duration> parseRetryAfter(
      Optional<String> retryAfterMs, Optional<String> retryAfter, Clock clock) {
    if (retryAfterMs.isPresent()) {
      try {
        double ms = Double.parseDouble(retryAfterMs.get().trim());
        if (ms >= 0 && !Double.isInfinite(ms)) {
          return Optional.of(Duration.ofNanos((long) (ms * 1e6)));
        }
      } catch (NumberFormatException ignored) {
        // Fall through to Retry-After.
      }
    }
    if (retryAfter.isEmpty()) {
      return Optional.empty();
    }
    String value = retryAfter.get().trim();
    try {
      double seconds = Double.parseDouble(value);
      return seconds >= 0 && !Double.isInfinite(seconds)
          ? Optional.of(Duration.ofNanos((long) (seconds * 1e9)))
          : Optional.empty();
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), when.toInstant());
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
