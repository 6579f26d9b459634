package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.deploy.checks.Chart.named;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.deploy.checks.Chart.Manifest;
import org.neuronexplainer.worker.pipeline.BatchSettings;

/** The batcher of batch runs (batcher.*): one pod with LLM_BATCHER=true, never two. */
class BatcherChartTest {

  private static final String BATCHER = "ne-neuron-explainer-batcher";

  private static List<Manifest> render(Map<String, Object> sets) {
    return Chart.parse(Chart.template(List.of(), sets));
  }

  @Test
  void offByDefaultNoPodRunsTheBatcher() {
    List<Manifest> all = Chart.parse(Chart.templateDefaults());
    assertThat(all)
        .extracting(m -> m.kind() + "/" + m.name())
        .doesNotContain("Deployment/" + BATCHER);
    for (Manifest d : Chart.ofKind(all, "Deployment")) {
      assertThat(EnvContractTest.environment(all, d)).as(d.name()).doesNotContainKey("LLM_BATCHER");
    }
  }

  @Test
  void onItIsOneWorkerPodReplacedWithRecreateThatRunsTheBatcherWithTheValuesSettings() {
    List<Manifest> all =
        render(
            Map.of(
                "batcher.enabled", "true",
                "batcher.roundSeconds", "30",
                "batcher.maxRequests", "100000",
                "batcher.maxBytes", "104857600",
                "batcher.maxSends", "5"));
    Manifest batcher = named(all, "Deployment", BATCHER);
    assertThat(batcher.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(batcher.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    assertThat(batcher.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText())
        .isEqualTo("batcher");
    JsonNode c = batcher.at("/spec/template/spec/containers/0");
    assertThat(c.at("/args/0").asText()).isEqualTo("worker");
    assertThat(c.at("/image").asText()).doesNotContain("cuda");

    Map<String, String> env = EnvContractTest.environment(all, batcher);
    assertThat(env).containsKey("LLM_API_KEY");
    BatchSettings settings = BatchSettings.fromEnv(env);
    assertThat(settings.enabled()).isTrue();
    assertThat(settings.round()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.maxRequestsPerFile()).isEqualTo(100_000);
    assertThat(settings.maxBytesPerFile()).isEqualTo(104_857_600L);
    assertThat(settings.maxSends()).isEqualTo(5);
    // Its LLM endpoint is the workers': the same ConfigMap.
    assertThat(env.get("LLM_BASE_URL")).isEqualTo("https://api.openai.com/v1");

    // The defaults are the code's.
    Manifest plain = named(render(Map.of("batcher.enabled", "true")), "Deployment", BATCHER);
    BatchSettings defaults =
        BatchSettings.fromEnv(
            EnvContractTest.environment(render(Map.of("batcher.enabled", "true")), plain));
    BatchSettings code = BatchSettings.fromEnv(Map.of("LLM_BATCHER", "true"));
    assertThat(defaults).isEqualTo(code);

    // No worker pool runs a second batcher.
    for (Manifest d : Chart.ofKind(all, "Deployment")) {
      if (!d.name().equals(BATCHER)) {
        assertThat(EnvContractTest.environment(all, d))
            .as(d.name())
            .doesNotContainKey("LLM_BATCHER");
      }
    }
  }

  @Test
  void theProjectsPodMonitorScrapesIt() {
    List<Manifest> all =
        render(Map.of("batcher.enabled", "true", "monitoring.podMonitor.enabled", "true"));
    JsonNode selector = named(all, "PodMonitor", "ne-neuron-explainer").at("/spec/selector");
    Manifest batcher = named(all, "Deployment", BATCHER);
    JsonNode labels = batcher.at("/spec/template/metadata/labels");
    selector
        .at("/matchLabels")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(labels.get(e.getKey()).asText())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().asText()));
    assertThat(selector.at("/matchExpressions/0/values").toString()).doesNotContain("batcher");
    assertThat(batcher.at("/spec/template/spec/containers/0/ports/0/name").asText())
        .isEqualTo("http");
  }

  @Test
  void valuesThatCannotWorkAreRefusedWithTheValueToFix() {
    refused(Map.of("batcher.enabled", "true", "batcher.maxSends", "0"), "/batcher/maxSends");
    refused(
        Map.of("batcher.enabled", "true", "batcher.roundSeconds", "0"), "/batcher/roundSeconds");
    refused(Map.of("batcher.enabled", "true", "batcher.maxBytes", "10"), "/batcher/maxBytes");
    refused(Map.of("batcher.enabled", "true", "batcher.stages", "{}"), "/batcher/stages");
    refused(Map.of("batcher.enabled", "true", "batcher.replicas", "2"), "replicas");
    refused(
        Map.of("batcher.env.LLM_BATCH_MAX_SENDS", "9"),
        "invalid propertyName 'LLM_BATCH_MAX_SENDS'");
    // A worker pool's replicas would each run one.
    refused(
        Map.of("workers.cpu.env.LLM_BATCHER", "true"),
        "workers.cpu.env.LLM_BATCHER: run the batcher with batcher.enabled");
  }

  private static void refused(Map<String, Object> sets, String... messageParts) {
    assertThatThrownBy(() -> Chart.template(List.of(), sets)).hasMessageContainingAll(messageParts);
  }
}
