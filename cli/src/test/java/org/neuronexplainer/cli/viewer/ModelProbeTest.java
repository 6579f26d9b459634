package org.neuronexplainer.cli.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.viewer.BoundedProbe;
import org.neuronexplainer.coordinator.viewer.ProbeReading;
import org.neuronexplainer.coordinator.viewer.ViewerServer;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.coordinator.viewer.ViewerStores;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.RandomCheckpoint;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import picocli.CommandLine;

/**
 * The try-it probe over a tiny random GPT-2: what it reads for a text is what a forward pass of the
 * worker's model gives for the same ids, and the viewer's API hands it on.
 */
class ModelProbeTest {

  private static final String TEXT = "The cat sat on the mat, and the dog ran.";

  @TempDir static Path temp;
  private static Path model;
  private static BoundedProbe probe;

  @BeforeAll
  static void createModel() {
    model = temp.resolve("tiny-gpt2");
    // Two layers, 32 wide: 128 neurons a layer; 64 positions.
    new RandomCheckpoint(2, 32, 4, 512, 64, 0.02, 7)
        .write(model, Path.of("..", "examples", "smoke-model"));
    probe = ModelProbe.open(model.toString(), "--model", Map.of());
  }

  @AfterAll
  static void close() {
    if (probe != null) {
      probe.close();
    }
  }

  /** The same text through the worker's tokenizer and a pass over every layer, loaded anew. */
  private static float[] direct(String text, int layer, int neuron) {
    try (SubjectTokenizer tokenizer = SubjectTokenizer.load(model);
        SubjectModel subject = SubjectModel.load(model, ComputeOptions.cpu())) {
      int[] ids = tokenizer.encode(text);
      FloatTensor all = subject.forward(new int[][] {ids}).layer(layer);
      float[] values = new float[ids.length];
      for (int t = 0; t < ids.length; t++) {
        values[t] = all.get(0, t, neuron);
      }
      return values;
    }
  }

  @Test
  void theActivationsAreThoseOfTheWorkersForwardPassOnTheSameText() throws Exception {
    ProbeReading reading = probe.read(new NeuronId(1, 37), TEXT, "animals");
    float[] expected = direct(TEXT, 1, 37);
    assertThat(reading.activations()).hasSize(expected.length);
    for (int t = 0; t < expected.length; t++) {
      assertThat(reading.activations()[t]).as("token " + t).isEqualTo(expected[t], within(1e-6));
    }
    assertThat(String.join("", reading.tokens())).isEqualTo(TEXT);
    assertThat(reading.predicted()).isNull();
    assertThat(reading.noPrediction()).isEqualTo(ModelProbe.NO_ENDPOINT);
    // A neuron's activations are not all alike: the value read is the token's, not a constant.
    assertThat(reading.activations()).doesNotHaveDuplicates();
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }

  @Test
  void aTextLongerThanTheModelsPositionsIsRefusedInWords() {
    String longText = "the cat ".repeat(40);
    assertThatThrownBy(() -> probe.read(new NeuronId(0, 0), longText, null))
        .isInstanceOf(BoundedProbe.Refused.class)
        .hasMessageMatching(
            "The text is \\d+ tokens long; the model reads at most 64 at once\\."
                + " Shorten it\\.");
  }

  @Test
  void theViewersApiAnswersWithTheSameActivations() throws Exception {
    Path store = Files.createDirectories(temp.resolve("store"));
    BoundedProbe second = ModelProbe.open(model.toString(), "--model", Map.of());
    try (ViewerServer server =
        ViewerServer.start(
            ViewerStores.of(new ViewerService(new LocalDirectoryStore(store), Optional.empty())),
            Optional.of(second),
            "127.0.0.1",
            0)) {
      ObjectMapper json = new ObjectMapper();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/api/viewer/probe"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              json.writeValueAsString(
                                  Map.of("layer", 0, "neuron", 5, "text", TEXT))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = json.readTree(response.body());
      float[] expected = direct(TEXT, 0, 5);
      assertThat(answer.path("activations")).hasSize(expected.length);
      for (int t = 0; t < expected.length; t++) {
        assertThat(answer.path("activations").get(t).asDouble())
            .isEqualTo(expected[t], within(1e-6));
      }
      assertThat(answer.path("noPrediction").asText()).isEqualTo(ModelProbe.NO_ENDPOINT);

      JsonNode about =
          json.readTree(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + server.port() + "/api/viewer/probe"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(about.path("layers").asInt()).isEqualTo(2);
      assertThat(about.path("neuronsPerLayer").asInt()).isEqualTo(128);
      assertThat(about.path("model").asText()).startsWith("tiny-gpt2 (");
    }
  }

  /**
   * The scripted model's JSON simulator answer with each token's prediction set to its length in
   * characters (at most 10), so that every token's value is known whatever the tokenizer made.
   */
  private static ScriptedLlmServer.Reply byLength(ScriptedLlmServer.Seen seen) {
    ScriptedLlmServer.Reply reply = new ScriptedModel().apply(seen);
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode response = (ObjectNode) json.readTree(reply.body());
      ObjectNode message = (ObjectNode) response.path("choices").path(0).path("message");
      ObjectNode answer = (ObjectNode) json.readTree(message.path("content").asText());
      for (JsonNode item : answer.path("activations")) {
        ((ObjectNode) item).put("activation", predictedFor(item.path("token").asText()));
      }
      message.put("content", answer.toString());
      return ScriptedLlmServer.Reply.json(200, response.toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int predictedFor(String token) {
    return Math.min(10, token.strip().length());
  }

  @Test
  void withAnLlmEndpointTheSimulatorsPredictionComesWithTheReading() throws Exception {
    String text = "See you on Monday, not Friday.";
    try (ScriptedLlmServer llm = new ScriptedLlmServer().otherwise(ModelProbeTest::byLength);
        BoundedProbe predicting =
            ModelProbe.open(
                model.toString(),
                "--model",
                Map.of("LLM_BASE_URL", llm.root() + "/v1", "LLM_MODEL", "gpt-4o-mini"))) {
      assertThat(predicting.probe().noPrediction()).isEmpty();
      ProbeReading reading = predicting.read(new NeuronId(0, 3), text, "days of the week");
      assertThat(reading.noPrediction()).isNull();
      assertThat(reading.predicted()).hasSize(reading.tokens().size());
      for (int t = 0; t < reading.tokens().size(); t++) {
        assertThat(reading.predicted()[t])
            .as(reading.tokens().get(t))
            .isEqualTo(predictedFor(reading.tokens().get(t)));
      }
      assertThat(reading.predicted()).as("not all alike").contains(1.0, 3.0);
      assertThat(llm.requests()).hasSize(1);
      assertThat(llm.requests().get(0).body()).contains("days of the week");

      ProbeReading unexplained = predicting.read(new NeuronId(0, 3), text, null);
      assertThat(unexplained.predicted()).isNull();
      assertThat(unexplained.noPrediction())
          .isEqualTo("No prediction: this neuron has no explanation to predict from.");
    }
  }

  @Test
  void serveNamesACheckpointItCannotUseBeforeItStarts() throws Exception {
    Path notAModel = Files.createDirectories(temp.resolve("not-a-model"));
    Path store = Files.createDirectories(temp.resolve("serve-store"));
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    int code =
        commandLine.execute(
            "serve", "--store", store.toString(), "--model", notAModel.toString(), "--port", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "serve: --model: cannot use "
                + notAModel
                + " to try texts: "
                + notAModel
                + " has no config.json"
                + System.lineSeparator());
  }
}
