package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.deploy.checks.Chart.named;
import static org.neuronexplainer.deploy.checks.Chart.ofKind;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.deploy.checks.Chart.Manifest;
import org.neuronexplainer.worker.llm.EndpointKind;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/** The optional vLLM server (vllm.*) and the workers that use it as their LLM endpoint. */
class VllmChartTest {

  private static final String SERVER = "ne-neuron-explainer-vllm";

  private static List<Manifest> render(Map<String, Object> sets) {
    return Chart.parse(Chart.template(List.of(Chart.VLLM_VALUES), sets));
  }

  @Test
  void offByDefaultNothingOfItRendersAndTheWorkersKeepTheirEndpoint() {
    List<Manifest> all = Chart.parse(Chart.templateDefaults());
    assertThat(all)
        .extracting(m -> m.kind() + "/" + m.name())
        .doesNotContain("Deployment/" + SERVER, "Service/" + SERVER, "PodMonitor/" + SERVER);
    for (Manifest d : ofKind(all, "Deployment")) {
      assertThat(d.at("/spec/template/spec/initContainers").isMissingNode()).as(d.name()).isTrue();
    }
    Manifest config = named(all, "ConfigMap", "ne-neuron-explainer-config");
    assertThat(config.at("/data/LLM_BASE_URL").asText()).isEqualTo("https://api.openai.com/v1");
    assertThat(config.at("/data/LLM_MODEL").asText()).isEqualTo("gpt-4o-mini");
    assertThat(config.at("/data/WORKER_ALL_AT_ONCE_MAX_TOKENS").isMissingNode()).isTrue();
  }

  @Test
  void theServerIsAGpuDeploymentServingTheHubModelOverEveryGpu() {
    Manifest server = named(render(Map.of()), "Deployment", SERVER);
    JsonNode pod = server.at("/spec/template/spec");
    JsonNode c = pod.at("/containers/0");
    assertThat(c.at("/image").asText()).isEqualTo("vllm/vllm-openai:v0.11.0");
    assertThat(c.at("/command").toString()).isEqualTo("[\"vllm\",\"serve\"]");
    assertThat(strings(c.at("/args")))
        .startsWith("meta-llama/Llama-3.1-8B-Instruct")
        .contains(
            "--served-model-name=meta-llama/Llama-3.1-8B-Instruct",
            "--port=8000",
            // Tensor parallelism follows the GPU count unless set.
            "--tensor-parallel-size=2",
            "--max-model-len=8192",
            "--max-logprobs=20",
            "--dtype=bfloat16");
    assertThat(c.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(2);
    assertThat(c.at("/resources/limits/memory").asText()).isEqualTo("64Gi");
    assertThat(pod.at("/nodeSelector/nvidia.com~1gpu.product").asText())
        .isEqualTo("NVIDIA-A100-SXM4-80GB");
    assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(c.at("/" + probe + "/httpGet/path").asText()).as(probe).isEqualTo("/health");
      assertThat(c.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
    }
    // Loading a model takes minutes: the startup probe allows half an hour.
    assertThat(
            c.at("/startupProbe/periodSeconds").asInt()
                * c.at("/startupProbe/failureThreshold").asInt())
        .isEqualTo(1800);
    assertThat(env(c, "HF_TOKEN")).isEqualTo("secret:hf-token/HF_TOKEN");
    assertThat(env(c, "HF_HOME")).isEqualTo("/cache/huggingface");
    assertThat(env(c, "HF_HUB_OFFLINE")).isNull();
    assertThat(server.at("/spec/strategy/rollingUpdate/maxSurge").asInt()).isZero();
    assertThat(volume(pod, "shm").at("/emptyDir/medium").asText()).isEqualTo("Memory");

    Manifest service = named(render(Map.of()), "Service", SERVER);
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(8000);
    assertThat(service.at("/spec/selector/app.kubernetes.io~1component").asText())
        .isEqualTo("vllm");
  }

  @Test
  void itsPodMonitorScrapesVllmAndTheProjectsOneLeavesItOut() {
    List<Manifest> all = render(Map.of());
    Manifest own = named(all, "PodMonitor", SERVER);
    assertThat(own.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo("vllm");
    assertThat(own.at("/spec/podMetricsEndpoints/0/path").asText()).isEqualTo("/metrics");
    assertThat(own.at("/spec/podMetricsEndpoints/0/port").asText()).isEqualTo("http");
    assertThat(own.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    JsonNode excluded = named(all, "PodMonitor", "ne-neuron-explainer").at("/spec/selector");
    assertThat(excluded.at("/matchExpressions/0/key").asText())
        .isEqualTo("app.kubernetes.io/component");
    assertThat(excluded.at("/matchExpressions/0/operator").asText()).isEqualTo("NotIn");
    assertThat(strings(excluded.at("/matchExpressions/0/values"))).containsExactly("vllm");

    assertThat(render(Map.of("vllm.podMonitor.enabled", "false")))
        .extracting(m -> m.kind() + "/" + m.name())
        .doesNotContain("PodMonitor/" + SERVER);
  }

  @Test
  void theWorkersCallItWithOneTokenForAllAtOnceAndWaitUntilItIsHealthy() {
    List<Manifest> all = render(Map.of());
    Manifest config = named(all, "ConfigMap", "ne-neuron-explainer-config");
    assertThat(config.at("/data/LLM_BASE_URL").asText())
        .isEqualTo("http://ne-neuron-explainer-vllm:8000/v1");
    assertThat(config.at("/data/LLM_MODEL").asText()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    assertThat(config.at("/data/WORKER_ALL_AT_ONCE_MAX_TOKENS").asText()).isEqualTo("1");

    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    Map<String, String> env = EnvContractTest.environment(all, cpu);
    // The worker's own readers take what the chart gives: the completions of the all-at-once
    // simulator go to the server's Service with max_tokens 1.
    assertThat(WorkerConfig.fromEnv(env).allAtOnceMaxTokens()).isEqualTo(1);
    LlmConfig llm = LlmConfig.fromEnv(env);
    assertThat(llm.endpoint(EndpointKind.COMPLETIONS))
        .isEqualTo(URI.create("http://ne-neuron-explainer-vllm:8000/v1/completions"));
    assertThat(llm.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");

    JsonNode init = cpu.at("/spec/template/spec/initContainers/0");
    assertThat(init.at("/name").asText()).isEqualTo("wait-for-vllm");
    assertThat(init.at("/image").asText())
        .isEqualTo(ChartRenderTest.container(cpu).at("/image").asText());
    assertThat(env(init, "VLLM_HEALTH_URL"))
        .isEqualTo("http://ne-neuron-explainer-vllm:8000/health");
    assertThat(init.at("/command/2").asText()).contains("until curl -fsS", "$VLLM_HEALTH_URL");
    assertThat(init.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
  }

  @Test
  void onlyPoolsThatExplainAndScoreWait() {
    List<Manifest> all =
        render(Map.of("workers.gpu.enabled", "true", "workers.gpu.stages[0]", "capture"));
    Manifest gpu = named(all, "Deployment", "ne-neuron-explainer-worker-gpu");
    assertThat(gpu.at("/spec/template/spec/initContainers").isMissingNode()).isTrue();
    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    assertThat(cpu.at("/spec/template/spec/initContainers/0/name").asText())
        .isEqualTo("wait-for-vllm");
    Manifest noWait =
        named(
            render(Map.of("vllm.workers.waitForReady", "false")),
            "Deployment",
            "ne-neuron-explainer-worker-cpu");
    assertThat(noWait.at("/spec/template/spec/initContainers").isMissingNode()).isTrue();
  }

  @Test
  void withEndpointForNoneTheServerRunsAndTheWorkersKeepConfigLlm() {
    List<Manifest> all =
        render(
            Map.of(
                "vllm.workers.endpointFor", "none",
                "secrets.llm.name", "neuron-explainer-llm",
                "secrets.llm.required", "true"));
    named(all, "Deployment", SERVER);
    Manifest config = named(all, "ConfigMap", "ne-neuron-explainer-config");
    assertThat(config.at("/data/LLM_BASE_URL").asText()).isEqualTo("https://api.openai.com/v1");
    assertThat(config.at("/data/WORKER_ALL_AT_ONCE_MAX_TOKENS").isMissingNode()).isTrue();
    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    assertThat(cpu.at("/spec/template/spec/initContainers").isMissingNode()).isTrue();
  }

  @Test
  void withEndpointForSimulatorOnlySimulationsGoToTheServerAndTheKeyStaysWithTheExplainer() {
    List<Manifest> all =
        render(
            Map.of(
                "vllm.workers.endpointFor", "simulator",
                "secrets.llm.name", "neuron-explainer-llm"));
    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    Map<String, String> env = EnvContractTest.environment(all, cpu);
    LlmConfig llm = LlmConfig.fromEnv(env);
    assertThat(llm.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    assertThat(llm.model()).isEqualTo("gpt-4o-mini");
    assertThat(llm.apiKey()).isNotEmpty();
    LlmConfig simulator = llm.simulatorEndpoint();
    assertThat(simulator.endpoint(EndpointKind.COMPLETIONS))
        .isEqualTo(URI.create("http://ne-neuron-explainer-vllm:8000/v1/completions"));
    assertThat(simulator.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    // The hosted endpoint's key is never sent to the cluster's server.
    assertThat(simulator.apiKey()).isEmpty();
    assertThat(WorkerConfig.fromEnv(env).allAtOnceMaxTokens()).isEqualTo(1);
    assertThat(cpu.at("/spec/template/spec/initContainers/0/name").asText())
        .isEqualTo("wait-for-vllm");
  }

  @Test
  void withEndpointForExplainerOnlyExplanationsGoToTheServerAndTheKeyGoesToTheSimulator() {
    List<Manifest> all =
        render(
            Map.of(
                "vllm.workers.endpointFor", "explainer",
                "secrets.llm.name", "neuron-explainer-llm",
                "config.llm.requestsPerMinute", "500"));
    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    Map<String, String> env = EnvContractTest.environment(all, cpu);
    assertThat(env).doesNotContainKey("LLM_API_KEY");
    LlmConfig llm = LlmConfig.fromEnv(env);
    assertThat(llm.endpoint(EndpointKind.CHAT))
        .isEqualTo(URI.create("http://ne-neuron-explainer-vllm:8000/v1/chat/completions"));
    assertThat(llm.apiKey()).isEmpty();
    LlmConfig simulator = llm.simulatorEndpoint();
    assertThat(simulator.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    assertThat(simulator.model()).isEqualTo("gpt-4o-mini");
    assertThat(simulator.apiKey()).isNotEmpty();
    assertThat(simulator.requestsPerMinute()).isEqualTo(500);
    // The hosted simulator takes max_tokens 0, as the original sends.
    assertThat(WorkerConfig.fromEnv(env).allAtOnceMaxTokens()).isZero();
  }

  @Test
  void aModelOnAClaimIsMountedReadOnlyAndServedWithoutTheHub() {
    Manifest server =
        named(
            render(
                Map.of(
                    "vllm.model.claim", "models",
                    "vllm.model.path", "llama-3.1-8b-instruct",
                    "vllm.tensorParallelSize", "1",
                    "vllm.maxModelLen", "0")),
            "Deployment",
            SERVER);
    JsonNode pod = server.at("/spec/template/spec");
    JsonNode c = pod.at("/containers/0");
    assertThat(strings(c.at("/args")))
        .startsWith("/models/llama-3.1-8b-instruct")
        .contains(
            "--served-model-name=meta-llama/Llama-3.1-8B-Instruct", "--tensor-parallel-size=1")
        .noneMatch(a -> a.startsWith("--max-model-len"));
    assertThat(volume(pod, "models").at("/persistentVolumeClaim/claimName").asText())
        .isEqualTo("models");
    assertThat(volume(pod, "models").at("/persistentVolumeClaim/readOnly").asBoolean()).isTrue();
    JsonNode mount = null;
    for (JsonNode m : c.at("/volumeMounts")) {
      if (m.path("name").asText().equals("models")) {
        mount = m;
      }
    }
    assertThat(mount).isNotNull();
    assertThat(mount.path("mountPath").asText()).isEqualTo("/models");
    assertThat(mount.path("readOnly").asBoolean()).isTrue();
    assertThat(env(c, "HF_HUB_OFFLINE")).isEqualTo("1");
    assertThat(env(c, "HF_TOKEN")).isNull();
  }

  @Test
  void lintsCleanWithTheServerOn() throws Exception {
    LintResult result = Chart.lint(Chart.VLLM_VALUES);
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void valuesThatCannotWorkAreRefusedWithTheValueToFix() {
    refused(Map.of("vllm.model.name", ""), "vllm.model.name is required when vllm.enabled");
    refused(
        Map.of("vllm.tensorParallelSize", "4"),
        "vllm.tensorParallelSize (4) is above vllm.gpus (2)");
    refused(
        Map.of("config.llm.apiFlavor", "azure"),
        "vllm.workers.endpointFor=all needs config.llm.apiFlavor=openai");
    // The schema, before any template runs.
    refused(Map.of("vllm.gpus", "0"), "/vllm/gpus", "minimum");
    refused(Map.of("vllm.workers.endpointFor", "both"), "/vllm/workers/endpointFor");
    refused(Map.of("vllm.workers.allAtOnceMaxTokens", "2"), "/vllm/workers/allAtOnceMaxTokens");
    refused(Map.of("vllm.gpuMemoryUtilization", "1.5"), "/vllm/gpuMemoryUtilization");
    refused(Map.of("vllm.image.tag", ""), "/vllm/image/tag");
    refused(Map.of("vllm.maxModelLenght", "4096"), "maxModelLenght");
    // Off, an unset model is fine: the defaults install.
    Chart.template(List.of(), Map.of("vllm.enabled", "false"));
  }

  private static void refused(Map<String, Object> sets, String... messageParts) {
    assertThatThrownBy(() -> Chart.template(List.of(Chart.VLLM_VALUES), sets))
        .hasMessageContainingAll(messageParts);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.at("/volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  /** A container's variable: its value, "secret:NAME/KEY" for a Secret, null when unset. */
  private static String env(JsonNode container, String name) {
    for (JsonNode e : container.at("/env")) {
      if (e.path("name").asText().equals(name)) {
        JsonNode ref = e.at("/valueFrom/secretKeyRef");
        return ref.isMissingNode()
            ? e.path("value").asText()
            : "secret:" + ref.path("name").asText() + "/" + ref.path("key").asText();
      }
    }
    return null;
  }
}
