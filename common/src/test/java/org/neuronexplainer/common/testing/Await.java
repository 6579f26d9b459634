package org.neuronexplainer.common.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits in tests for something another thread does: checks a condition until it holds or a deadline
 * passes, then fails naming what was awaited. Deadlines are for a hang, not for a slow machine:
 * give them tens of seconds, and never wait for time itself to pass (move a fake clock, or wait for
 * the condition that the time was meant to bring about).
 */
public final class Await {

  private static final long PAUSE_MILLIS = 10;

  /** A check that may throw, such as a request to a server. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  private Await() {}

  /** Returns once {@code condition} holds; fails after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, what, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * Returns the first value of {@code probe} that {@code done} accepts; fails after {@code
   * timeout}, showing the last value. An exception from the probe ends the wait at once.
   */
  public static <T> T until(
      Duration timeout, String what, Probe<? extends T> probe, Predicate<? super T> done) {
    long start = System.nanoTime();
    while (true) {
      T value;
      try {
        value = probe.get();
      } catch (RuntimeException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        throw new AssertionError("failed while waiting for " + what + ": " + e, e);
      }
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() - start >= timeout.toNanos()) {
        throw new AssertionError(
            "waited " + seconds(timeout) + " for " + what + "; last seen: " + value);
      }
      try {
        Thread.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  private static String seconds(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
