package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Docker stack's files, as far as they can be checked without Docker. */
class LocalStackTest {

  private static final Path DEPLOY = Tools.ROOT.resolve("deploy");

  @Test
  void prometheusConfigPassesPromtoolWithTheSharedRules() throws Exception {
    Path promtool = Tools.promtool();
    Tools.Result result =
        Tools.run(
            DEPLOY.resolve("prometheus"),
            List.of(promtool.toString(), "check", "config", "prometheus.yml"));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("alerts.yaml").contains("SUCCESS");
  }

  @Test
  void everyFileTheComposeStackMountsOrBuildsExists() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(DEPLOY.resolve("compose.yaml").toFile());
    List<String> hostPaths = new ArrayList<>();
    List<JsonNode> definitions = new ArrayList<>();
    compose.path("services").forEach(definitions::add);
    // The services' shared part (merged with <<: *app, which this parser leaves unresolved).
    definitions.add(compose.path("x-app"));
    for (JsonNode service : definitions) {
      for (JsonNode v : service.path("volumes")) {
        String source = v.asText().split(":")[0];
        if (source.startsWith(".")) {
          hostPaths.add(source);
        }
      }
      JsonNode build = service.path("build");
      if (build.isObject()) {
        hostPaths.add(build.path("context").asText() + "/" + build.path("dockerfile").asText());
      }
    }
    assertThat(hostPaths)
        .contains(
            "./prometheus/prometheus.yml",
            "../helm/neuron-explainer/files/alerts.yaml",
            "../helm/neuron-explainer/files/dashboard.json",
            "../deploy/Dockerfile",
            "../deploy/Dockerfile.cuda");
    for (String path : hostPaths) {
      assertThat(DEPLOY.resolve(path)).as(path).exists();
    }
    assertThat(compose.at("/services/worker-gpu/profiles/0").asText()).isEqualTo("gpu");
  }

  @Test
  void theStackPublishesItsPortsOnTheHostsLoopbackOnly() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(DEPLOY.resolve("compose.yaml").toFile());
    List<String> published = new ArrayList<>();
    compose.path("services").forEach(s -> s.path("ports").forEach(p -> published.add(p.asText())));
    assertThat(published).isNotEmpty().allMatch(p -> p.startsWith("127.0.0.1:"));
  }

  @Test
  void bothImagesListenOnEveryInterfaceOfTheirContainer() throws Exception {
    for (String file : List.of("Dockerfile", "Dockerfile.cuda")) {
      assertThat(Files.readString(DEPLOY.resolve(file)))
          .as(file)
          .contains("COORDINATOR_HOST=0.0.0.0", "METRICS_HOST=0.0.0.0");
    }
  }

  @Test
  void bothImagesRunAsANonRootUserWithAHealthCheck() throws Exception {
    for (String file : List.of("Dockerfile", "Dockerfile.cuda")) {
      String dockerfile = Files.readString(DEPLOY.resolve(file));
      assertThat(dockerfile).as(file).contains("USER 10001:10001", "HEALTHCHECK", "/healthz");
      // The entry point loads the vector module where the runtime has it.
      assertThat(dockerfile)
          .as(file)
          .contains(
              "COPY --from=build /src/deploy/start-java /opt/neuron-explainer/start-java",
              "ENTRYPOINT [\"/opt/neuron-explainer/start-java\"]");
    }
    assertThat(Files.readString(DEPLOY.resolve("Dockerfile.cuda")))
        .contains("PYTORCH_FLAVOR", "libtorch_cuda.so");
  }

  @Test
  void theEntryPointStartsTheCliWithTheVectorModuleWhereTheRuntimeHasIt() throws Exception {
    Path script = DEPLOY.resolve("start-java");
    assertThat(Files.isExecutable(script)).isTrue();
    Process process =
        new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
    assertThat(process.waitFor()).as(new String(process.getInputStream().readAllBytes())).isZero();
    assertThat(Files.readString(script))
        .contains(
            "java --list-modules",
            "--add-modules jdk.incubator.vector",
            "org.neuronexplainer.cli.Main \"$@\"");
  }
}
