package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  static final Clock NOW = Clock.fixed(Instant.parse("2026-11-26T20:00:00Z"), ZoneOffset.UTC);

  @Test
  void backoffDoublesUpToTheCapWithJitterWithinTwentyPercent() {
    RetryPolicy middle =
        new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.5);
    RetryPolicy low = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.0);
    RetryPolicy high =
        new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.9999999);

    assertThat(middle.delayAfter(1, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
    assertThat(middle.delayAfter(2, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
    assertThat(middle.delayAfter(4, Optional.empty())).isEqualTo(Duration.ofSeconds(8));
    assertThat(middle.delayAfter(5, Optional.empty())).isEqualTo(Duration.ofSeconds(10));
    assertThat(middle.delayAfter(60, Optional.empty())).isEqualTo(Duration.ofSeconds(10));
    assertThat(low.delayAfter(2, Optional.empty())).isEqualTo(Duration.ofMillis(1600));
    assertThat(high.delayAfter(2, Optional.empty()))
        .isBetween(Duration.ofMillis(2399), Duration.ofMillis(2400));
  }

  @Test
  void retryAfterIsAFloorAndIsCapped() {
    RetryPolicy policy =
        new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.5);

    assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(7))))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(policy.delayAfter(4, Optional.of(Duration.ofSeconds(3))))
        .isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.delayAfter(1, Optional.of(Duration.ofHours(2))))
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER);
  }

  @Test
  void retryableStatuses() {
    for (int status : new int[] {408, 409, 429, 500, 502, 503, 504}) {
      assertThat(RetryPolicy.isRetryableStatus(status)).as("%d", status).isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 415, 422}) {
      assertThat(RetryPolicy.isRetryableStatus(status)).as("%d", status).isFalse();
    }
  }

  @Test
  void parsesRetryAfterSecondsDatesAndMilliseconds() {
    assertThat(RetryPolicy.parseRetryAfter(Optional.empty(), Optional.of("3"), NOW))
        .contains(Duration.ofSeconds(3));
    assertThat(RetryPolicy.parseRetryAfter(Optional.empty(), Optional.of("0.25"), NOW))
        .contains(Duration.ofMillis(250));
    assertThat(
            RetryPolicy.parseRetryAfter(
                Optional.empty(), Optional.of("Thu, 26 Nov 2026 20:00:30 GMT"), NOW))
        .contains(Duration.ofSeconds(30));
    assertThat(
            RetryPolicy.parseRetryAfter(
                Optional.empty(), Optional.of("Thu, 26 Nov 2026 19:00:00 GMT"), NOW))
        .contains(Duration.ZERO);
    assertThat(RetryPolicy.parseRetryAfter(Optional.of("1500"), Optional.of("2"), NOW))
        .contains(Duration.ofMillis(1500));
    assertThat(RetryPolicy.parseRetryAfter(Optional.of("junk"), Optional.of("2"), NOW))
        .contains(Duration.ofSeconds(2));
    assertThat(RetryPolicy.parseRetryAfter(Optional.empty(), Optional.of("later"), NOW)).isEmpty();
    assertThat(RetryPolicy.parseRetryAfter(Optional.empty(), Optional.of("-5"), NOW)).isEmpty();
    assertThat(RetryPolicy.parseRetryAfter(Optional.empty(), Optional.empty(), NOW)).isEmpty();
  }
}
