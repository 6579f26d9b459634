package org.neuronexplainer.coordinator.viewer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** The neuron API's rounds file, over a hand-written store, through a real server. */
class NeuronRoundsApiTest {

  @TempDir static Path root;
  private static ViewerServer server;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    RoundsFixture.write(root);
    server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(root), Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode files(String neuron) throws Exception {
    HttpResponse<String> response = get("/api/viewer/neurons/" + neuron);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("files");
  }

  @Test
  void theNeuronAnswerCarriesTheRoundsFileWithEachExplanationsRoundAndTheBest() throws Exception {
    JsonNode rounds = files("21/2932").get("rounds");

    assertThat(rounds.get("status").asText()).isEqualTo("ok");
    assertThat(rounds.get("key").asText()).isEqualTo("rounds/21/2932.json");
    JsonNode data = rounds.get("data");
    assertThat(data.get("select_by").asText()).isEqualTo("detection");
    assertThat(data.get("best").asInt()).isEqualTo(2);
    assertThat(data.get("stopped").asText()).isEqualTo(RoundsFixture.STOPPED);
    assertThat(data.at("/explanations/3/round").asInt()).isEqualTo(2);
    assertThat(data.at("/explanations/3/revised_from").asInt()).isEqualTo(2);
    assertThat(data.at("/explanations/0/revised_from").isNull()).isTrue();
    assertThat(data.at("/explanations/2/explanation").asText())
        .isEqualTo(RoundsFixture.TEXTS.get(2));
    assertThat(data.at("/explanations/2/scores/detection").asDouble()).isEqualTo(0.8);
  }

  @Test
  void aMissingRoundsFileIsMissingAndAnUnsupportedOneAnErrorNamingIt() throws Exception {
    assertThat(files("14/2203").at("/rounds/status").asText()).isEqualTo("missing");
    JsonNode unsupported = files("6/1017").get("rounds");
    assertThat(unsupported.get("status").asText()).isEqualTo("error");
    assertThat(unsupported.get("message").asText())
        .startsWith("rounds/6/1017.json")
        .contains("version 99");
    assertThat(files("6/1017").at("/explanations/status").asText()).isEqualTo("ok");
  }

  @Test
  void theRawRouteServesTheRoundsFileAsStored() throws Exception {
    HttpResponse<String> raw = get("/raw/rounds/21/2932.json");

    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body().getBytes(UTF_8))
        .isEqualTo(Files.readAllBytes(root.resolve("rounds/21/2932.json")));
    assertThat(ClassificationJson.readRounds(raw.body().getBytes(UTF_8), "served").best())
        .isEqualTo(2);
    assertThat(get("/raw/rounds/21/x.json").statusCode()).isEqualTo(404);
  }
}
