package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.worker.llm.LlmConfig;

class BatchLoopTest {

  @Test
  void roundsRunOnTheirThreadAndTheirCountsAreExported() throws Exception {
    // No parked call and no batch: a round sends nothing, so no server is needed.
    LlmConfig llm = LlmConfig.fromEnv(Map.of("LLM_BASE_URL", "http://127.0.0.1:9/v1"));
    BatchSettings settings = BatchSettings.fromEnv(Map.of("LLM_BATCH_ROUND_SECONDS", "0.05"));
    try (MetricsSetup metrics = new MetricsSetup();
        BatchLoop loop =
            settings.enable().start(llm, new InMemoryBlobStore()).bind(metrics.registry())) {
      Await.until(Duration.ofSeconds(10), "a round", () -> loop.counts() != null);
      String scraped = metrics.registry().scrape();
      assertThat(scraped)
          .contains("neuronexplainer_llm_batches{state=\"in_progress\"} 0.0")
          .contains("neuronexplainer_llm_batch_calls{state=\"pending\"} 0.0");
    }
    assertThat(settings.start(llm, new InMemoryBlobStore())).as("the batcher is off").isNull();
  }
}
