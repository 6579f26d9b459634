package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.neuronexplainer.deploy.checks.Chart.named;
import static org.neuronexplainer.deploy.checks.Chart.ofKind;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.deploy.checks.Chart.Manifest;

class ChartRenderTest {

  @Test
  void lintsCleanWithDefaultsAndWithTheGpuConfiguration() throws Exception {
    for (LintResult result : List.of(Chart.lint(null), Chart.lint(Chart.GPU_VALUES))) {
      assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }
  }

  @Test
  void defaultsRenderTheCoordinatorAndOnePoolPerMapEntry() {
    List<Manifest> all = Chart.parse(Chart.templateDefaults());

    assertThat(all)
        .extracting(m -> m.kind() + "/" + m.name())
        .contains(
            "ConfigMap/ne-neuron-explainer-config",
            "Deployment/ne-neuron-explainer-coordinator",
            "Service/ne-neuron-explainer-coordinator",
            "Deployment/ne-neuron-explainer-worker-cpu",
            "Deployment/ne-neuron-explainer-worker-gpu",
            "PodDisruptionBudget/ne-neuron-explainer-worker-cpu",
            "PersistentVolumeClaim/ne-neuron-explainer-store",
            "ConfigMap/ne-neuron-explainer-dashboard")
        .doesNotContain("Kafka/neuron-explainer-kafka");
    // CRD kinds only when asked for: a cluster without the operators must install the defaults.
    assertThat(all)
        .extracting(Manifest::kind)
        .doesNotContain("ScaledObject", "PodMonitor", "PrometheusRule", "Kafka", "Ingress");

    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    assertThat(env(cpu, "WORKER_STAGES")).isEqualTo("collate,explain-and-score,weights");
    assertThat(env(cpu, "METRICS_PORT")).isEqualTo("8080");
    // The pod's interface, where the probes and Prometheus connect; the default is the loopback.
    assertThat(env(cpu, "METRICS_HOST")).isEqualTo("0.0.0.0");
    assertThat(env(cpu, "WORKER_MAX_IN_FLIGHT")).isEqualTo("8");
    assertThat(container(cpu).at("/args").toString()).isEqualTo("[\"worker\"]");
    assertThat(cpu.at("/spec/replicas").asInt()).isEqualTo(2);
    Manifest coordinator = named(all, "Deployment", "ne-neuron-explainer-coordinator");
    assertThat(env(coordinator, "COORDINATOR_PORT")).isEqualTo("8080");
    assertThat(env(coordinator, "COORDINATOR_HOST")).isEqualTo("0.0.0.0");
    assertThat(container(coordinator).at("/args").toString()).isEqualTo("[\"coordinator\"]");
    Manifest config = named(all, "ConfigMap", "ne-neuron-explainer-config");
    assertThat(config.at("/data/STORE_DIR").asText()).isEqualTo("/var/lib/neuron-explainer/store");

    Manifest gpu = named(all, "Deployment", "ne-neuron-explainer-worker-gpu");
    assertThat(env(gpu, "WORKER_STAGES")).isEqualTo("capture");
    assertThat(env(gpu, "WORKER_CAPTURE_DEVICE")).isEqualTo("gpu");
    assertThat(env(gpu, "METRICS_HOST")).isEqualTo("0.0.0.0");
    assertThat(container(gpu).at("/image").asText()).contains("neuron-explainer-cuda:");
    assertThat(container(gpu).at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
    // No surge pod waiting for a GPU that the old pod holds.
    assertThat(gpu.at("/spec/strategy/rollingUpdate/maxSurge").asInt()).isZero();
  }

  @Test
  void aPoolsMaxInFlightReachesItsWorkers() {
    List<Manifest> all =
        Chart.parse(Chart.template(List.of(), Map.of("workers.cpu.maxInFlight", "3")));
    assertThat(
            env(named(all, "Deployment", "ne-neuron-explainer-worker-cpu"), "WORKER_MAX_IN_FLIGHT"))
        .isEqualTo("3");
    assertThat(
            env(named(all, "Deployment", "ne-neuron-explainer-worker-gpu"), "WORKER_MAX_IN_FLIGHT"))
        .isEqualTo("8");
  }

  @Test
  void everyPodIsLockedDownProbedAndRolledByItsConfig() {
    List<Manifest> all = Chart.parse(Chart.templateDefaults());
    List<Manifest> deployments = ofKind(all, "Deployment");
    assertThat(deployments).hasSize(3);
    for (Manifest d : deployments) {
      JsonNode pod = d.at("/spec/template/spec");
      JsonNode c = container(d);
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(d.name()).isTrue();
      assertThat(pod.at("/securityContext/seccompProfile/type").asText())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.at("/automountServiceAccountToken").asBoolean(true)).isFalse();
      assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
      assertThat(c.at("/securityContext/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
      assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
      assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
      assertThat(c.at("/resources/requests/memory").isMissingNode()).isFalse();
      // A read-only root needs writable /tmp and a DJL cache.
      assertThat(StreamSupport.stream(c.at("/volumeMounts").spliterator(), false))
          .extracting(m -> m.get("mountPath").asText())
          .contains("/var/lib/neuron-explainer/store", "/tmp", "/var/cache/djl");
      assertThat(d.at("/spec/template/metadata/annotations/checksum~1config").asText()).hasSize(64);
      assertThat(c.at("/envFrom/0/configMapRef/name").asText())
          .isEqualTo("ne-neuron-explainer-config");
    }
  }

  @Test
  void aConfigChangeChangesTheChecksumSoPodsRoll() {
    String before = checksum(Chart.templateDefaults());
    String after = checksum(Chart.template(List.of(), Map.of("config.llm.model", "gpt-4.1-mini")));
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void secretsAreOnlyReferencedNeverRendered() {
    List<Manifest> all = Chart.parse(Chart.templateDefaults());
    assertThat(ofKind(all, "Secret")).isEmpty();
    Manifest coordinator = named(all, "Deployment", "ne-neuron-explainer-coordinator");
    assertThat(secretRef(coordinator, "COORDINATOR_API_TOKEN"))
        .isEqualTo("neuron-explainer-api/COORDINATOR_API_TOKEN");
    // Each secret goes only where it is used: the API token to the coordinator, the LLM key to
    // the pools that explain or simulate.
    Manifest cpu = named(all, "Deployment", "ne-neuron-explainer-worker-cpu");
    assertThat(secretRef(cpu, "LLM_API_KEY")).isEqualTo("neuron-explainer-llm/LLM_API_KEY");
    assertThat(secretRef(cpu, "COORDINATOR_API_TOKEN")).isNull();
    assertThat(secretRef(coordinator, "LLM_API_KEY")).isNull();
  }

  @Test
  void theHubTokenGoesToThoseThatReadTheHubAndTheEndpointToAll() {
    List<Manifest> none = Chart.parse(Chart.templateDefaults());
    assertThat(secretRef(named(none, "Deployment", "ne-neuron-explainer-coordinator"), "HF_TOKEN"))
        .isNull();
    assertThat(
            named(none, "ConfigMap", "ne-neuron-explainer-config")
                .at("/data/HF_ENDPOINT")
                .isMissingNode())
        .isTrue();

    List<Manifest> all =
        Chart.parse(
            Chart.template(
                List.of(),
                Map.of(
                    "secrets.hub.name", "hf-token",
                    "config.hub.endpoint", "https://hub-mirror.example.com",
                    "batcher.enabled", "true")));
    // The coordinator plans from hub configs; capture and collate download models and SAEs.
    for (String name :
        List.of(
            "ne-neuron-explainer-coordinator",
            "ne-neuron-explainer-worker-gpu",
            "ne-neuron-explainer-worker-cpu")) {
      assertThat(secretRef(named(all, "Deployment", name), "HF_TOKEN"))
          .as(name)
          .isEqualTo("hf-token/HF_TOKEN");
    }
    assertThat(secretRef(named(all, "Deployment", "ne-neuron-explainer-batcher"), "HF_TOKEN"))
        .isNull();
    assertThat(
            named(all, "ConfigMap", "ne-neuron-explainer-config").at("/data/HF_ENDPOINT").asText())
        .isEqualTo("https://hub-mirror.example.com");
  }

  @Test
  void gpuAutoscalingStrimziConfigurationRendersEveryPiece() {
    List<Manifest> all = Chart.parse(Chart.template(Chart.GPU_VALUES));

    Manifest gpu = named(all, "Deployment", "ne-neuron-explainer-worker-gpu");
    assertThat(gpu.at("/spec/replicas").isMissingNode()).as("KEDA owns replicas").isTrue();
    assertThat(gpu.at("/spec/template/spec/nodeSelector/nvidia.com~1gpu.product").asText())
        .isEqualTo("NVIDIA-A100-SXM4-80GB");
    assertThat(gpu.at("/spec/template/spec/tolerations/0/key").asText())
        .isEqualTo("nvidia.com/gpu");
    assertThat(container(gpu).at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
    assertThat(container(gpu).at("/resources/limits/memory").asText()).isEqualTo("24Gi");

    Manifest scaler = named(all, "ScaledObject", "ne-neuron-explainer-worker-cpu");
    List<String> topics = new ArrayList<>();
    for (JsonNode trigger : scaler.at("/spec/triggers")) {
      assertThat(trigger.at("/type").asText()).isEqualTo("kafka");
      assertThat(trigger.at("/metadata/bootstrapServers").asText())
          .isEqualTo("neuron-explainer-kafka-kafka-bootstrap:9093");
      assertThat(trigger.at("/metadata/consumerGroup").asText())
          .isEqualTo(trigger.at("/metadata/topic").asText().replace(".jobs.", ".stage."));
      topics.add(trigger.at("/metadata/topic").asText());
    }
    // One trigger per stage of the pool, on the stage's topic and consumer group.
    assertThat(topics)
        .containsExactly(
            "neuron-explainer.jobs.collate",
            "neuron-explainer.jobs.explain-and-score",
            "neuron-explainer.jobs.weights");
    assertThat(scaler.at("/spec/maxReplicaCount").asInt()).isEqualTo(32);
    // KEDA trusts Strimzi's cluster CA through the chart's TriggerAuthentication; so do the pods.
    assertThat(scaler.at("/spec/triggers/0/authenticationRef/name").asText())
        .isEqualTo("ne-neuron-explainer-kafka");
    Manifest auth = named(all, "TriggerAuthentication", "ne-neuron-explainer-kafka");
    assertThat(auth.at("/spec/secretTargetRef/0/name").asText())
        .isEqualTo("neuron-explainer-kafka-cluster-ca-cert");
    assertThat(gpu.at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName").asText())
        .isEqualTo("neuron-explainer-store");
    assertThat(ofKind(all, "PersistentVolumeClaim")).isEmpty();
    assertThat(gpu.at("/spec/template/spec/volumes/3/secret/secretName").asText())
        .isEqualTo("neuron-explainer-kafka-cluster-ca-cert");
    named(all, "ScaledObject", "ne-neuron-explainer-worker-gpu");

    named(all, "Kafka", "neuron-explainer-kafka");
    named(all, "KafkaNodePool", "neuron-explainer-kafka-dual");
    assertThat(ofKind(all, "KafkaTopic")).hasSize(6);
    Manifest events = named(all, "KafkaTopic", "neuron-explainer.events");
    assertThat(events.at("/spec/config/cleanup.policy").asText()).isEqualTo("compact");

    Manifest config = named(all, "ConfigMap", "ne-neuron-explainer-config");
    assertThat(config.at("/data/KAFKA_BOOTSTRAP_SERVERS").asText())
        .isEqualTo("neuron-explainer-kafka-kafka-bootstrap:9093");
    assertThat(config.at("/data/KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SSL");
    assertThat(config.at("/data/KAFKA_SSL_TRUSTSTORE_TYPE").asText()).isEqualTo("PEM");

    named(all, "PodMonitor", "ne-neuron-explainer");
    Manifest rule = named(all, "PrometheusRule", "ne-neuron-explainer");
    assertThat(rule.at("/spec/groups").size()).isGreaterThanOrEqualTo(4);
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(
            named(all, "Ingress", "ne-neuron-explainer-coordinator")
                .at("/spec/tls/0/secretName")
                .asText())
        .isEqualTo("explainer-tls");
  }

  @Test
  void anExistingClusterWithSaslOverTls() {
    List<Manifest> all =
        Chart.parse(
            Chart.template(
                List.of(),
                Map.of(
                    "kafka.bootstrapServers", "b-1.kafka.example:9096,b-2.kafka.example:9096",
                    "kafka.tls.enabled", "true",
                    "kafka.sasl.enabled", "true",
                    "kafka.sasl.jaasSecret", "kafka-jaas")));
    Manifest config = named(all, "ConfigMap", "ne-neuron-explainer-config");
    assertThat(config.at("/data/KAFKA_BOOTSTRAP_SERVERS").asText())
        .isEqualTo("b-1.kafka.example:9096,b-2.kafka.example:9096");
    assertThat(config.at("/data/KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
    assertThat(config.at("/data/KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
    // No CA Secret and no Strimzi: the JVM's trust store, nothing mounted.
    assertThat(config.at("/data/KAFKA_SSL_TRUSTSTORE_LOCATION").isMissingNode()).isTrue();
    for (Manifest d : ofKind(all, "Deployment")) {
      assertThat(secretRef(d, "KAFKA_SASL_JAAS_CONFIG")).isEqualTo("kafka-jaas/sasl.jaas.config");
    }
  }

  @Test
  void topicsAreReplicatedThreeWaysWithTwoInSyncByDefaultAndNeverBeyondStrimzisBrokers() {
    Manifest defaults = named(Chart.parse(Chart.templateDefaults()), "ConfigMap", CONFIG);
    assertThat(defaults.at("/data/KAFKA_REPLICATION_FACTOR").asText()).isEqualTo("3");
    assertThat(defaults.at("/data/KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("2");

    List<Manifest> one =
        Chart.parse(
            Chart.template(List.of(), Map.of("strimzi.enabled", "true", "strimzi.replicas", "1")));
    Manifest config = named(one, "ConfigMap", CONFIG);
    assertThat(config.at("/data/KAFKA_REPLICATION_FACTOR").asText()).isEqualTo("1");
    assertThat(config.at("/data/KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("1");
    Manifest events = named(one, "KafkaTopic", "neuron-explainer.events");
    assertThat(events.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(events.at("/spec/config/min.insync.replicas").asInt()).isEqualTo(1);

    List<Manifest> three =
        Chart.parse(Chart.template(List.of(), Map.of("strimzi.enabled", "true")));
    Manifest jobs = named(three, "KafkaTopic", "neuron-explainer.jobs.explain-and-score");
    assertThat(jobs.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(jobs.at("/spec/config/min.insync.replicas").asInt()).isEqualTo(2);
  }

  private static final String CONFIG = "ne-neuron-explainer-config";

  @Test
  void theDashboardConfigMapIsLabelledForTheGrafanaSidecar() {
    Manifest dashboard =
        named(Chart.parse(Chart.templateDefaults()), "ConfigMap", "ne-neuron-explainer-dashboard");
    assertThat(dashboard.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    assertThat(dashboard.at("/data/neuron-explainer.json").asText())
        .contains("\"uid\": \"neuron-explainer\"");
  }

  static JsonNode container(Manifest deployment) {
    return deployment.at("/spec/template/spec/containers/0");
  }

  static String env(Manifest deployment, String name) {
    for (JsonNode e : container(deployment).at("/env")) {
      if (e.path("name").asText().equals(name)) {
        return e.path("value").asText();
      }
    }
    return null;
  }

  private static String secretRef(Manifest deployment, String name) {
    for (JsonNode e : container(deployment).at("/env")) {
      if (e.path("name").asText().equals(name)) {
        JsonNode ref = e.at("/valueFrom/secretKeyRef");
        return ref.path("name").asText() + "/" + ref.path("key").asText();
      }
    }
    return null;
  }

  private static String checksum(String rendered) {
    return named(Chart.parse(rendered), "Deployment", "ne-neuron-explainer-worker-cpu")
        .at("/spec/template/metadata/annotations/checksum~1config")
        .asText();
  }
}
