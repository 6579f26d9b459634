package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchSettingsTest {

  @Test
  void defaultsAreOpenAisLimitsWithTheBatcherOff() {
    BatchSettings settings = BatchSettings.fromEnv(Map.of());
    assertThat(settings.enabled()).isFalse();
    assertThat(settings.round()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.maxRequestsPerFile()).isEqualTo(50_000);
    assertThat(settings.maxBytesPerFile()).isEqualTo(200L * 1024 * 1024);
    assertThat(settings.maxSends()).isEqualTo(3);
    assertThat(settings.enable().enabled()).isTrue();
  }

  @Test
  void theEnvironmentSetsThemAndABadValueIsNamed() {
    BatchSettings settings =
        BatchSettings.fromEnv(
            Map.of(
                "LLM_BATCHER", "true",
                "LLM_BATCH_ROUND_SECONDS", "0.5",
                "LLM_BATCH_MAX_REQUESTS", "100000",
                "LLM_BATCH_MAX_SENDS", "5"));
    assertThat(settings.enabled()).isTrue();
    assertThat(settings.round()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.maxRequestsPerFile()).isEqualTo(100_000);
    assertThat(settings.maxSends()).isEqualTo(5);
    assertThatThrownBy(() -> BatchSettings.fromEnv(Map.of("LLM_BATCH_MAX_SENDS", "0")))
        .hasMessageContaining("LLM_BATCH_MAX_SENDS");
  }
}
