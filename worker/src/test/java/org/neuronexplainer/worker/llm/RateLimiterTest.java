package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  @Test
  void requestsBurstOneSecondsWorthThenPaceEvenly() {
    RateLimiter limiter = new RateLimiter(120, 0, now::get); // 2 per second

    assertThat(limiter.reserve(0)).isZero();
    assertThat(limiter.reserve(0)).isZero();
    assertThat(limiter.reserve(0)).isEqualTo(SECOND / 2);
    assertThat(limiter.reserve(0)).isEqualTo(SECOND);
    now.addAndGet(SECOND);
    assertThat(limiter.reserve(0)).isEqualTo(SECOND / 2);
  }

  @Test
  void overAMinuteTheRequestsStayWithinTheBudgetPlusOneBurst() {
    RateLimiter limiter = new RateLimiter(600, 0, now::get);
    long start = now.get();
    int granted = 0;
    // Each caller starts at the time its reservation allows: count how many fit in 60 s.
    while (true) {
      long wait = limiter.reserve(0);
      if (now.get() + wait - start > 60 * SECOND) {
        break;
      }
      now.addAndGet(wait);
      granted++;
    }
    assertThat(granted).isBetween(600, 600 + 10 + 1);
  }

  @Test
  void tokensAreReservedFromTheEstimateAndSettledFromUsage() {
    RateLimiter limiter = new RateLimiter(0, 6000, now::get); // 100 tokens per second, burst 100

    assertThat(limiter.reserve(100)).isZero();
    assertThat(limiter.reserve(50)).isEqualTo(SECOND / 2);
    limiter.settle(150, 0); // those calls failed: nothing was spent
    assertThat(limiter.reserve(100)).isZero();
    limiter.settle(100, 300); // the response used more than estimated
    assertThat(limiter.reserve(1)).isEqualTo(2 * SECOND + SECOND / 100); // 201 tokens owed
  }

  @Test
  void aRequestLargerThanTheBurstStillGoesThroughLater() {
    RateLimiter limiter = new RateLimiter(0, 600, now::get); // 10 tokens per second

    assertThat(limiter.reserve(50)).isEqualTo(4 * SECOND);
  }

  @Test
  void aPauseHoldsBackEveryCallEvenWithoutLimits() {
    RateLimiter limiter = new RateLimiter(0, 0, now::get);

    limiter.pauseFor(Duration.ofMillis(300));
    assertThat(limiter.reserve(10)).isEqualTo(300_000_000L);
    now.addAndGet(SECOND);
    assertThat(limiter.reserve(10)).isZero();
  }
}
