package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.viewer.ModelProbe;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.worker.capture.RandomCheckpoint;

/**
 * The coordinator command's try-it model: with {@value ModelProbe#MODEL_VARIABLE} naming a tiny
 * checkpoint, the viewer it serves runs texts on it; naming a directory that holds no checkpoint,
 * the command ends at start, saying so in plain words.
 */
class CoordinatorViewerModelIT {

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path model;

  @BeforeAll
  static void createModel() {
    model = shared.resolve("tiny-gpt2");
    // Two layers of 128 neurons, the smoke model's tokenizer.
    new RandomCheckpoint(2, 32, 4, 512, 64, 0.02, 7)
        .write(model, Path.of("..", "examples", "smoke-model"));
  }

  private Map<String, String> env(String prefix, String viewerModel) {
    Map<String, String> env = PipelineIT.env(BROKER, dir.resolve("store"), prefix);
    env.put(ModelProbe.MODEL_VARIABLE, viewerModel);
    return env;
  }

  @Test
  void theViewerRunsTextsOnTheModelTheVariableNames() throws Exception {
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c =
            ProcessCommands.CoordinatorCommand.start(
                env("viewer-model.", model.toString()), metrics)) {
      Await.until(java.time.Duration.ofSeconds(30), "the coordinator to catch up", c::caughtUp);
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      String base = "http://127.0.0.1:" + c.port();
      JsonNode described =
          json.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/api/viewer/probe")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(described.get("available").asBoolean()).isTrue();
      assertThat(described.get("model").asText()).startsWith("tiny-gpt2");
      assertThat(described.get("layers").asInt()).isEqualTo(2);
      assertThat(described.get("neuronsPerLayer").asInt()).isEqualTo(128);
      HttpResponse<String> read =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/viewer/probe"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"layer\": 1, \"neuron\": 5, \"text\": \"the river bank\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonNode answer = json.readTree(read.body());
      assertThat(answer.get("tokens").size()).isPositive();
      assertThat(answer.get("activations").size()).isEqualTo(answer.get("tokens").size());
      assertThat(String.join("", texts(answer.get("tokens")))).isEqualTo("the river bank");
    }
  }

  @Test
  void aDirectoryWithoutACheckpointEndsTheStartInPlainWords() throws Exception {
    Path empty = dir.resolve("not-a-model");
    java.nio.file.Files.createDirectories(empty);
    try (MetricsSetup metrics = new MetricsSetup()) {
      assertThatThrownBy(
              () ->
                  ProcessCommands.CoordinatorCommand.start(
                      env("bad-model.", empty.toString()), metrics))
          .isInstanceOf(UserException.class)
          .hasMessageStartingWith(ModelProbe.MODEL_VARIABLE + ": ")
          .hasMessageContaining(empty.toString())
          .hasMessageNotContaining("Exception");
      Path missing = dir.resolve("no-such-model");
      assertThatThrownBy(
              () ->
                  ProcessCommands.CoordinatorCommand.start(
                      env("missing-model.", missing.toString()), metrics))
          .isInstanceOf(UserException.class)
          .hasMessageStartingWith(ModelProbe.MODEL_VARIABLE + ": " + missing)
          .hasMessageNotContaining("Exception");
    }
  }

  private static java.util.List<String> texts(JsonNode tokens) {
    java.util.List<String> out = new java.util.ArrayList<>();
    tokens.forEach(t -> out.add(t.isTextual() ? t.asText() : t.path("token").asText()));
    return out;
  }
}
