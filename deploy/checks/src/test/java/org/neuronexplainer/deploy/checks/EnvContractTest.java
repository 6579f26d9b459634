package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.neuronexplainer.deploy.checks.Chart.Manifest;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import org.yaml.snakeyaml.Yaml;

/**
 * The environment that the chart and the local stack give the processes is the one the code reads:
 * every variable they set is named in a Java source under {@code *\/src/main} (or is one of {@link
 * #READ_BY_THE_RUNTIME}), and the configuration readers accept what they set.
 */
class EnvContractTest {

  /** Read by the JVM or a library rather than by the project's sources. */
  static final Set<String> READ_BY_THE_RUNTIME =
      Set.of(
          "JAVA_TOOL_OPTIONS", // the JVM
          "DJL_CACHE_DIR"); // DJL, where it unpacks libtorch

  /** A placeholder for a value that comes from a Secret. */
  private static final String SECRET = "secret-value-from-a-kubernetes-secret";

  @Test
  void everyVariableTheChartSetsIsReadByTheCode() throws IOException {
    Set<String> read = namesReadBySources();
    for (List<Manifest> rendered :
        List.of(
            Chart.parse(Chart.templateDefaults()),
            Chart.parse(Chart.template(Chart.GPU_VALUES)),
            Chart.parse(Chart.template(Chart.VLLM_VALUES)),
            Chart.parse(Chart.template(List.of(), Map.of("batcher.enabled", "true"))),
            vllmServing("explainer"),
            vllmServing("simulator"))) {
      for (Manifest d : projectDeployments(rendered)) {
        Set<String> unread = new TreeSet<>(environment(rendered, d).keySet());
        unread.removeAll(read);
        assertThat(unread)
            .as("variables %s sets that no */src/main Java source reads", d.name())
            .isEmpty();
      }
    }
  }

  @Test
  void everyVariableTheLocalStackSetsIsReadByTheCode() throws IOException {
    Set<String> read = namesReadBySources();
    for (Map.Entry<String, Map<String, String>> service : composeServices().entrySet()) {
      Set<String> unread = new TreeSet<>(service.getValue().keySet());
      unread.removeAll(read);
      assertThat(unread)
          .as("variables compose service %s sets that no */src/main Java source reads", service)
          .isEmpty();
    }
  }

  @Test
  void theProcessesAcceptTheChartsEnvironment() {
    for (List<Manifest> rendered :
        List.of(
            Chart.parse(Chart.templateDefaults()),
            Chart.parse(Chart.template(Chart.GPU_VALUES)),
            Chart.parse(Chart.template(Chart.VLLM_VALUES)),
            Chart.parse(Chart.template(List.of(), Map.of("batcher.enabled", "true"))),
            vllmServing("explainer"),
            vllmServing("simulator"))) {
      for (Manifest d : projectDeployments(rendered)) {
        JsonNode c = d.at("/spec/template/spec/containers/0");
        Map<String, String> env = environment(rendered, d);
        int httpPort = httpPort(c);
        String command = c.at("/args/0").asText();
        if (command.equals("coordinator")) {
          CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
          assertThat(config.port()).as(d.name() + ": COORDINATOR_PORT").isEqualTo(httpPort);
          // Outside a pod the default is the loopback: the probes would find nothing there.
          assertThat(config.host()).as(d.name() + ": COORDINATOR_HOST").isEqualTo("0.0.0.0");
        } else {
          assertThat(command).as(d.name() + " args").isEqualTo("worker");
          WorkerConfig config = WorkerConfig.fromEnv(env);
          assertThat(config.metricsPort()).as(d.name() + ": METRICS_PORT").isEqualTo(httpPort);
          assertThat(config.metricsHost()).as(d.name() + ": METRICS_HOST").isEqualTo("0.0.0.0");
          assertThat(config.maxInFlight())
              .as(d.name() + ": WORKER_MAX_IN_FLIGHT")
              .isEqualTo(Integer.parseInt(env.get("WORKER_MAX_IN_FLIGHT")));
          // The pool's stages, as the chart names them, are what the worker serves.
          assertThat(config.stages())
              .as(d.name() + ": WORKER_STAGES")
              .extracting(Stage::id)
              .containsExactlyInAnyOrder(env.get("WORKER_STAGES").split(","));
          if (config.serves(Stage.CAPTURE)) {
            assertThat(config.captureDevice()).as(d.name()).isEqualTo("gpu");
          }
          assertThatCode(() -> LlmConfig.fromEnv(env)).as(d.name()).doesNotThrowAnyException();
        }
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          assertThat(c.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
        }
      }
    }
  }

  @Test
  void theProcessesAcceptTheLocalStacksEnvironment() throws IOException {
    Map<String, Map<String, String>> services = composeServices();
    CoordinatorConfig coordinator = CoordinatorConfig.fromEnv(services.get("coordinator"));
    assertThat(coordinator.port()).isEqualTo(8080);
    // The published port and Prometheus reach the container's interface, not its loopback.
    assertThat(coordinator.host()).isEqualTo("0.0.0.0");
    for (String worker : List.of("worker-cpu", "worker-gpu")) {
      // The image's METRICS_PORT (8080) is where Prometheus scrapes (deploy/prometheus).
      Map<String, String> env = new LinkedHashMap<>(services.get(worker));
      env.putIfAbsent("METRICS_PORT", "8080");
      assertThat(WorkerConfig.fromEnv(env).metricsPort()).as(worker).isEqualTo(8080);
      assertThat(WorkerConfig.fromEnv(env).metricsHost()).as(worker).isEqualTo("0.0.0.0");
      assertThat(WorkerConfig.fromEnv(env).maxInFlight())
          .as(worker + ": WORKER_MAX_IN_FLIGHT")
          .isEqualTo(8);
    }
  }

  /** The Deployments that run the project's processes: all but the vLLM server. */
  private static List<Manifest> projectDeployments(List<Manifest> rendered) {
    return Chart.ofKind(rendered, "Deployment").stream()
        .filter(d -> !d.at("/metadata/labels/app.kubernetes.io~1component").asText().equals("vllm"))
        .toList();
  }

  /** The container's environment: its ConfigMap's data, then its own env (Secrets as SECRET). */
  // The chart with its vLLM server answering one of the workers' two kinds of call.
  private static List<Manifest> vllmServing(String endpointFor) {
    return Chart.parse(
        Chart.template(
            List.of(Chart.VLLM_VALUES),
            Map.of(
                "vllm.workers.endpointFor",
                endpointFor,
                "secrets.llm.name",
                "neuron-explainer-llm")));
  }

  static Map<String, String> environment(List<Manifest> rendered, Manifest d) {
    JsonNode c = d.at("/spec/template/spec/containers/0");
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : c.path("envFrom")) {
      String name = from.at("/configMapRef/name").asText();
      Chart.named(rendered, "ConfigMap", name)
          .at("/data")
          .fields()
          .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    for (JsonNode e : c.path("env")) {
      env.put(e.path("name").asText(), e.has("valueFrom") ? SECRET : e.path("value").asText(""));
    }
    return env;
  }

  private static int httpPort(JsonNode container) {
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals("http")) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no port named http");
  }

  /**
   * The environment of every compose service that runs the project's image, with {@code
   * ${VAR:-default}} taken at its default.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, String>> composeServices() throws IOException {
    // SnakeYAML itself: it resolves the file's merge keys (<<: *app, <<: *env).
    Map<String, Object> compose =
        new Yaml().load(Files.readString(Tools.ROOT.resolve("deploy/compose.yaml")));
    Pattern interpolation = Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]*)}");
    Map<String, Map<String, String>> services = new LinkedHashMap<>();
    ((Map<String, Object>) compose.get("services"))
        .forEach(
            (name, definition) -> {
              Map<String, Object> service = (Map<String, Object>) definition;
              if (!String.valueOf(service.get("image")).startsWith("neuron-explainer")) {
                return;
              }
              Map<String, String> env = new LinkedHashMap<>();
              ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
                  .forEach(
                      (key, value) -> {
                        Matcher m = interpolation.matcher(String.valueOf(value));
                        env.put(key, m.replaceAll(r -> Matcher.quoteReplacement(r.group(1))));
                      });
              services.put(name, env);
            });
    assertThat(services).containsKeys("coordinator", "worker-cpu", "worker-gpu");
    return services;
  }

  /**
   * Every upper-case name that appears as a string literal in a Java source under {@code
   * *\/src/main}, the Kafka client properties' variables (built from {@link
   * KafkaConfig#PASS_THROUGH}) and {@link #READ_BY_THE_RUNTIME}.
   */
  static Set<String> namesReadBySources() throws IOException {
    Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9_]+)\"");
    Set<String> names = new TreeSet<>(READ_BY_THE_RUNTIME);
    KafkaConfig.PASS_THROUGH.stream().map(KafkaConfig::envName).forEach(names::add);
    // Read by prefix and setting name, not spelt out.
    names.addAll(LlmConfig.VARIABLES);
    names.addAll(LlmConfig.SIMULATOR_VARIABLES);
    List<Path> sources;
    try (Stream<Path> files = Files.walk(Tools.ROOT)) {
      sources =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> Tools.ROOT.relativize(p).toString().contains("/src/main/"))
              .filter(p -> !Tools.ROOT.relativize(p).startsWith("deploy"))
              .collect(Collectors.toList());
    }
    assertThat(sources).as("Java sources under */src/main").hasSizeGreaterThan(10);
    for (Path source : sources) {
      Matcher m = literal.matcher(Files.readString(source));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
