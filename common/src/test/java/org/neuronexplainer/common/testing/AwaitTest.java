package org.neuronexplainer.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsAsSoonAsTheConditionHolds() {
    AtomicInteger checks = new AtomicInteger();
    Await.until(Duration.ofSeconds(10), "the third check", () -> checks.incrementAndGet() == 3);
    assertThat(checks).hasValue(3);
  }

  @Test
  void returnsTheFirstAcceptedValue() {
    AtomicInteger counter = new AtomicInteger();
    int value =
        Await.until(Duration.ofSeconds(10), "a count of 5", counter::incrementAndGet, n -> n >= 5);
    assertThat(value).isEqualTo(5);
  }

  @Test
  void failsAfterTheDeadlineNamingWhatWasAwaitedAndTheLastValue() {
    assertThatThrownBy(
            () ->
                Await.until(
                    Duration.ofMillis(30), "the run to finish", () -> "running", s -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("waited 30 ms for the run to finish; last seen: running");
  }

  @Test
  void anExceptionFromTheProbeEndsTheWait() {
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Await.until(
                    Duration.ofSeconds(10),
                    "the server",
                    () -> {
                      checks.incrementAndGet();
                      throw new IOException("refused");
                    },
                    s -> true))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the server")
        .hasMessageContaining("refused");
    assertThat(checks).hasValue(1);
  }
}
