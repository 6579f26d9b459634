package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rendered manifests against the Kubernetes, prometheus-operator and KEDA schemas. */
class ManifestSchemaTest {

  private static Tools.Result validate(String name, String manifests) throws Exception {
    Path node = Tools.nodeWithPackages();
    Path file = Files.createDirectories(Path.of("target/rendered")).resolve(name);
    Files.writeString(file, manifests);
    return Tools.run(
        Tools.CHECKS,
        List.of(node.toString(), "validate-manifests.mjs", file.toAbsolutePath().toString()));
  }

  @Test
  void defaultsValidate() throws Exception {
    Tools.Result result = validate("defaults.yaml", Chart.templateDefaults());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("0 invalid").contains("ok apps/v1 Deployment/");
  }

  @Test
  void gpuAutoscalingStrimziConfigurationValidates() throws Exception {
    Tools.Result result = validate("gpu-keda-strimzi.yaml", Chart.template(Chart.GPU_VALUES));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("ok keda.sh/v1alpha1 ScaledObject/")
        .contains("ok keda.sh/v1alpha1 TriggerAuthentication/")
        .contains("ok monitoring.coreos.com/v1 PrometheusRule/")
        .contains("ok kafka.strimzi.io/v1beta2 KafkaTopic/");
  }

  @Test
  void theVllmConfigurationValidates() throws Exception {
    Tools.Result result = validate("vllm.yaml", Chart.template(Chart.VLLM_VALUES));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("ok apps/v1 Deployment/ne-neuron-explainer-vllm")
        .contains("ok v1 Service/ne-neuron-explainer-vllm")
        .contains("ok monitoring.coreos.com/v1 PodMonitor/ne-neuron-explainer-vllm");
  }

  @Test
  void theValidatorRejectsABrokenManifest() throws Exception {
    String broken =
        Chart.templateDefaults()
            .replaceFirst("maxUnavailable: 1", "maxUnavailable: [1]")
            .replace("kind: Service\n", "kind: Servise\n");
    Tools.Result result = validate("broken.yaml", broken);
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output())
        .contains("INVALID PodDisruptionBudget/")
        .contains("no schema known for v1 Servise");
  }
}
