package org.neuronexplainer.coordinator.viewer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** The JSON API over a fixture store, through a real server on a random port. */
class ViewerApiTest {

  @TempDir static Path root;
  private static ViewerServer server;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    ViewerFixture.write(root);
    server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(root), Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(String path, int status) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return json.readTree(response.body());
  }

  @Test
  void aNeuronWithEveryFileHasThemAllWithRelatedSummaries() throws Exception {
    JsonNode page = getJson("/api/viewer/neurons/21/2932", 200);
    JsonNode files = page.get("files");
    for (String name :
        new String[] {
          "explanations",
          "collatedActivations",
          "relatedTokensActivationBased",
          "relatedTokensWeightBased",
          "relatedNeurons"
        }) {
      assertThat(files.get(name).get("status").asText()).as(name).isEqualTo("ok");
    }
    assertThat(files.at("/explanations/data/scored_explanations/0/explanation").asText())
        .isEqualTo("references to Canada and Canadian people, places and institutions");
    assertThat(files.at("/collatedActivations/data/random_sample/0/tokens/1").asText())
        .isEqualTo(ViewerFixture.SCRIPT_TOKEN);
    JsonNode related = page.get("relatedSummaries");
    assertThat(related.at("/6_1017/explanation").asText()).startsWith("names of days of the week");
    assertThat(related.at("/6_1017/score").asDouble()).isBetween(0.95, 0.96);
    assertThat(related.at("/9_388/score").isNull()).as("undefined score is null").isTrue();
    assertThat(related.at("/20_77/status").asText()).isEqualTo("missing");
    assertThat(page.at("/prev/neuron").asInt()).isEqualTo(2931);
    assertThat(page.at("/next/neuron").asInt()).isEqualTo(2933);
  }

  @Test
  void missingFilesAreMissingAndAMalformedFileIsAnErrorNamingIt() throws Exception {
    JsonNode page = getJson("/api/viewer/neurons/9/388", 200);
    JsonNode files = page.get("files");
    assertThat(files.at("/explanations/status").asText()).isEqualTo("ok");
    assertThat(files.at("/relatedNeurons/status").asText()).isEqualTo("missing");
    assertThat(files.at("/relatedNeurons/key").asText())
        .isEqualTo("related-neurons/weight-based/9/388.json");
    assertThat(files.at("/collatedActivations/status").asText()).isEqualTo("error");
    assertThat(files.at("/collatedActivations/message").asText())
        .contains("collated-activations/9/388.json");
  }

  @Test
  void classificationFilesComeWithEveryExcerptAndAnUnsupportedOneIsAnErrorNamingIt()
      throws Exception {
    JsonNode files = getJson("/api/viewer/neurons/21/2932", 200).get("files");
    assertThat(files.at("/detection/status").asText()).isEqualTo("ok");
    assertThat(files.at("/detection/key").asText())
        .isEqualTo("classifications/detection/21/2932.json");
    JsonNode detection = files.at("/detection/data/explanations/0");
    assertThat(detection.get("explanation").asText()).isEqualTo(ViewerFixture.CANADA);
    // One of each: true positive, missed activation, false alarm, true negative.
    assertThat(detection.at("/metrics/balanced_accuracy").asDouble()).isEqualTo(0.5);
    assertThat(detection.at("/metrics/f1").asDouble()).isEqualTo(0.5);
    // Positives 0.9 and 0.3 against negatives 0.6 and 0.1: three of four pairs ordered right.
    assertThat(detection.at("/metrics/auroc").asDouble()).isEqualTo(0.75);
    assertThat(detection.at("/excerpts/1/label").asBoolean()).isTrue();
    assertThat(detection.at("/excerpts/1/answer").asBoolean()).isFalse();
    JsonNode fuzzing = files.at("/fuzzing/data/explanations/0");
    assertThat(fuzzing.at("/metrics/auroc").isNull()).as("no probabilities").isTrue();
    assertThat(fuzzing.at("/excerpts/1/highlighted/0").asInt()).isEqualTo(2);

    JsonNode other = getJson("/api/viewer/neurons/9/388", 200).get("files");
    assertThat(other.at("/explanations/status").asText()).isEqualTo("ok");
    assertThat(other.at("/detection/status").asText()).isEqualTo("error");
    assertThat(other.at("/detection/message").asText())
        .startsWith("classifications/detection/9/388.json")
        .contains("version 99");
    assertThat(other.at("/fuzzing/status").asText()).isEqualTo("missing");
  }

  @Test
  void theRawRouteServesAClassificationFile() throws Exception {
    HttpResponse<String> raw = get("/raw/classifications/fuzzing/21/2932.json");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(ClassificationJson.read(raw.body().getBytes(UTF_8), "served"))
        .isEqualTo(ViewerFixture.fuzzing(new NeuronId(21, 2932)));
    assertThat(get("/raw/classifications/other/21/2932.json").statusCode()).isEqualTo(404);
  }

  @Test
  void aNeuronWithNothingIsAllMissingNotAnError() throws Exception {
    JsonNode files = getJson("/api/viewer/neurons/3/3", 200).get("files");
    files.forEach(f -> assertThat(f.get("status").asText()).isEqualTo("missing"));
    assertThat(getJson("/api/viewer/neurons/x/3", 400).get("error").asText())
        .contains("non-negative integers");
  }

  @Test
  void overviewSummarizesEachLayer() throws Exception {
    JsonNode overview = getJson("/api/viewer/overview", 200);
    assertThat(overview.get("available").asBoolean()).isTrue();
    assertThat(overview.get("neurons").asInt()).isEqualTo(4);
    assertThat(overview.get("layers")).hasSize(4);
    JsonNode layer21 = overview.get("layers").get(3);
    assertThat(layer21.get("layer").asInt()).isEqualTo(21);
    assertThat(layer21.get("meanScore").asDouble()).isBetween(0.97, 0.972);
    assertThat(layer21.at("/best/0/neuron").asInt()).isEqualTo(2932);
    int total = 0;
    for (JsonNode count : layer21.get("histogram")) {
      total += count.asInt();
    }
    assertThat(total).isEqualTo(1);
    // 9:388's score is undefined: counted as explained, not scored.
    JsonNode layer9 = overview.get("layers").get(1);
    assertThat(layer9.get("neurons").asInt()).isEqualTo(1);
    assertThat(layer9.get("scored").asInt()).isZero();
    assertThat(layer9.get("meanScore").isNull()).isTrue();
  }

  @Test
  void searchRanksByWordsAndFilters() throws Exception {
    JsonNode hits = getJson("/api/viewer/search?q=Canadian", 200).get("hits");
    assertThat(hits).hasSize(1);
    assertThat(hits.at("/0/neuron").asInt()).isEqualTo(2932);
    assertThat(getJson("/api/viewer/search?q=canada&maxLayer=20", 200).get("total").asInt())
        .isZero();
    JsonNode byScore = getJson("/api/viewer/search?minScore=0.5", 200);
    assertThat(byScore.get("total").asInt()).isEqualTo(2);
    assertThat(byScore.at("/hits/0/neuron").asInt()).isEqualTo(2932);
    assertThat(getJson("/api/viewer/search?minScore=high", 400).get("error").asText())
        .contains("minScore");
  }

  @Test
  void randomPicksAnExplainedNeuron() throws Exception {
    JsonNode picked = getJson("/api/viewer/random", 200);
    assertThat(picked.get("layer").asInt()).isIn(6, 9, 14, 21);
  }

  @Test
  void servesPagesAndRawLayoutFilesOnly() throws Exception {
    HttpResponse<String> page = get("/neurons/21/2932");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/static/neuron.js");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    HttpResponse<String> raw = get("/raw/explanations/21/2932.jsonl");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).startsWith("{\"neuron_id\"");
    assertThat(get("/raw/model.json").statusCode()).isEqualTo(404);
    assertThat(get("/raw/explanations/1/1.jsonl").statusCode()).isEqualTo(404);
    assertThat(get("/static/nothing.js").statusCode()).isEqualTo(404);
  }
}
