package org.neuronexplainer.deploy.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart, rendered with Helm as a library, and its manifests as JSON trees. */
final class Chart {

  static final String RELEASE = "ne";
  // Helm renders for 1.20 unless told: the chart needs 1.25+ (policy/v1, seccompProfile).
  static final String KUBE_VERSION = "1.31.0";
  static final Path GPU_VALUES =
      Tools.CHECKS.resolve("src/test/resources/values-gpu-keda-strimzi.yaml");
  static final Path VLLM_VALUES = Tools.CHECKS.resolve("src/test/resources/values-vllm.yaml");
  private static final YAMLMapper YAML = new YAMLMapper();

  private Chart() {}

  /** helm template with the chart's defaults, then the given values files and --set pairs. */
  static String template(List<Path> valuesFiles, Map<String, Object> sets) {
    TemplateCommand command =
        new Helm(Tools.CHART)
            .template()
            .withName(RELEASE)
            .withNamespace("explain")
            .withKubeVersion(KUBE_VERSION);
    valuesFiles.forEach(command::withValuesFile);
    sets.forEach(command::set);
    return command.call();
  }

  static String template(Path valuesFile) {
    return template(List.of(valuesFile), Map.of());
  }

  static String templateDefaults() {
    return template(List.of(), Map.of());
  }

  /**
   * helm lint --strict of the chart with its values.yaml replaced by the defaults merged with
   * {@code overrides} (this Helm binding lints only a chart's own values), in a copy under target.
   */
  static LintResult lint(Path overrides) throws IOException {
    Path copy = Files.createTempDirectory(Path.of("target"), "chart-");
    Path chart = copy.resolve("neuron-explainer");
    try (Stream<Path> files = Files.walk(Tools.CHART)) {
      for (Path source : files.toList()) {
        Path target = chart.resolve(Tools.CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    if (overrides != null) {
      ObjectNode values = (ObjectNode) YAML.readTree(chart.resolve("values.yaml").toFile());
      merge(values, (ObjectNode) YAML.readTree(overrides.toFile()));
      YAML.writeValue(chart.resolve("values.yaml").toFile(), values);
    }
    return new Helm(chart).lint().strict().call();
  }

  private static void merge(ObjectNode base, ObjectNode overrides) {
    overrides
        .properties()
        .forEach(
            e -> {
              if (e.getValue().isObject() && base.get(e.getKey()) instanceof ObjectNode into) {
                merge(into, (ObjectNode) e.getValue());
              } else {
                base.set(e.getKey(), e.getValue());
              }
            });
  }

  /** The rendered documents, each a manifest. */
  static List<Manifest> parse(String rendered) {
    List<Manifest> manifests = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(rendered)) {
      var it = new ObjectMapper().readValues(parser, ObjectNode.class);
      while (it.hasNext()) {
        ObjectNode node = it.next();
        if (node != null && node.has("kind")) {
          manifests.add(new Manifest(node));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendered chart is not YAML", e);
    }
    return manifests;
  }

  /** One rendered manifest. */
  record Manifest(ObjectNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    JsonNode at(String pointer) {
      return node.at(pointer);
    }
  }

  static List<Manifest> ofKind(List<Manifest> manifests, String kind) {
    return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
  }

  static Manifest named(List<Manifest> manifests, String kind, String name) {
    return manifests.stream()
        .filter(m -> m.kind().equals(kind) && m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " rendered"));
  }
}
