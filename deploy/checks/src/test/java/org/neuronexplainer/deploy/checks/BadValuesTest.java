package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values that cannot work stop the install with a message naming the value to fix. */
class BadValuesTest {

  private static void rejects(Map<String, Object> sets, String... messageParts) {
    assertThatThrownBy(() -> Chart.template(List.of(), sets)).hasMessageContainingAll(messageParts);
  }

  @Test
  void aPoolWithoutStages() {
    rejects(
        Map.of("workers.cpu.stages", "null"),
        "workers.cpu.stages is empty",
        "capture, collate, explain-and-score, weights");
    rejects(Map.of("workers.extra.enabled", "true"), "workers.extra.stages is empty");
  }

  @Test
  void aPoolNamingAStageThatDoesNotExist() {
    // Rejected by values.schema.json before any template runs.
    rejects(
        Map.of("workers.cpu.stages[0]", "summarize"),
        "/workers/cpu/stages/0",
        "value must be one of 'capture'");
  }

  @Test
  void aPoolNamingAStageThatBecameExplainAndScore() {
    // Values written for an older version: the message says which name to use instead.
    for (String old : List.of("explain", "simulate", "score")) {
      rejects(
          Map.of("workers.cpu.stages[0]", old),
          "workers.cpu.stages: \"" + old + "\" is no longer a stage",
          "\"explain-and-score\"; name that instead");
    }
  }

  @Test
  void aPoolWithNoJobsInFlight() {
    rejects(Map.of("workers.cpu.maxInFlight", "0"), "/workers/cpu/maxInFlight", "minimum");
  }

  @Test
  void aMissingSecretName() {
    rejects(Map.of("secrets.apiToken.name", ""), "secrets.apiToken.name is required");
    rejects(Map.of("secrets.llm.name", ""), "secrets.llm.name is required", "required=false");
    rejects(
        Map.of("kafka.sasl.enabled", "true"),
        "kafka.sasl.jaasSecret is required when kafka.sasl.enabled");
  }

  @Test
  void autoscalingOnASaslClusterNeedsKedaCredentials() {
    rejects(
        Map.of(
            "kafka.sasl.enabled", "true",
            "kafka.sasl.jaasSecret", "kafka-jaas",
            "workers.cpu.autoscaling.enabled", "true"),
        "workers.cpu.autoscaling needs kafka.kedaTriggerAuthentication");
  }

  @Test
  void aSecretMayBeLeftOutWhereItIsOptional() {
    Chart.template(List.of(), Map.of("secrets.llm.name", "", "secrets.llm.required", "false"));
  }

  @Test
  void noEnabledPoolOrBadAutoscalingBounds() {
    rejects(
        Map.of("workers.cpu.enabled", "false", "workers.gpu.enabled", "false"),
        "no pool is enabled");
    rejects(
        Map.of(
            "workers.cpu.autoscaling.enabled", "true",
            "workers.cpu.autoscaling.minReplicas", "8",
            "workers.cpu.autoscaling.maxReplicas", "4"),
        "workers.cpu.autoscaling: minReplicas (8) is above maxReplicas (4)");
  }

  @Test
  void schemaRejectsWrongTypesAndUnknownKeys() {
    rejects(Map.of("workers.cpu.replicas", "two"), "replicas");
    rejects(Map.of("kafka.bootstrapServer", "x:9092"), "bootstrapServer");
    rejects(Map.of("coordinator.replicas", "2"), "coordinator", "replicas");
  }
}
