package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** The token search, densities, the density filter and the export, through a real server. */
class FindApiTest {

  @TempDir static Path root;
  private static ViewerServer server;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    FindFixture.write(root);
    // A run over two neurons whose own results hold 21:2932 only.
    RunRecords records = new RunRecords(new LocalDirectoryStore(root));
    records.putSpec(
        new RunSpec("run-x", "store", "0", null, "baseline", "baseline", "linear", null, 2));
    records.putPlan("run-x", List.of(new NeuronId(21, 2932), new NeuronId(6, 1017)));
    records.putStatus(new RunStatus("run-x", RunState.SUCCEEDED, 2, 1_000, 2_000));
    Path own = root.resolve("runs/run-x/explanations/21/2932.jsonl");
    Files.createDirectories(own.getParent());
    Files.copy(root.resolve("explanations/21/2932.jsonl"), own);
    server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(root), Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode get(String path) throws Exception {
    return ViewerHttp.getJson(server, path, 200);
  }

  @Test
  void theTokenSearchRanksNeuronsByTheirLargestActivationOnTheToken() throws Exception {
    JsonNode answer = get("/api/viewer/find?mode=tokens&q=Canada");
    assertThat(answer.get("available").asBoolean()).isTrue();
    // 21:2932 goes to 4.91 on " Canada", 6:1017 to 2.0; 14:2203 is below 0 on it, so not kept.
    assertThat(answer.get("total").asInt()).isEqualTo(2);
    JsonNode first = answer.get("hits").get(0);
    assertThat(first.get("layer").asInt()).isEqualTo(21);
    assertThat(first.get("neuron").asInt()).isEqualTo(2932);
    assertThat(first.get("activation").asDouble()).isCloseTo(4.91, within(1e-6));
    assertThat(first.get("explanation").asText()).isEqualTo(ViewerFixture.CANADA);
    JsonNode second = answer.get("hits").get(1);
    assertThat(second.get("layer").asInt()).isEqualTo(6);
    assertThat(second.get("activation").asDouble()).isCloseTo(2.0, within(1e-6));
    // The leading space and the case of a token do not matter.
    assertThat(get("/api/viewer/find?mode=tokens&q=%20canada").get("total").asInt()).isEqualTo(2);
  }

  @Test
  void aPieceOfTextFindsTheNeuronsWhoseTopExcerptsHoldIt() throws Exception {
    JsonNode answer = get("/api/viewer/find?mode=tokens&q=Prime%20Minister");
    assertThat(answer.get("total").asInt()).isEqualTo(1);
    assertThat(answer.get("hits").get(0).get("neuron").asInt()).isEqualTo(2932);
    assertThat(answer.get("hits").get(0).get("activation").asDouble()).isCloseTo(0.3, within(1e-6));
    assertThat(get("/api/viewer/find?mode=tokens&q=Prime%20Monday").get("total").asInt()).isZero();
  }

  @Test
  void theTokenTableCountsBesideTheTopExcerpts() throws Exception {
    // " Canadian" is only in 21:2932's activation-based token table (3.44), not in its top
    // excerpts.
    JsonNode answer = get("/api/viewer/find?mode=tokens&q=Canadian");
    assertThat(answer.get("total").asInt()).isEqualTo(1);
    assertThat(answer.get("hits").get(0).get("activation").asDouble())
        .isCloseTo(3.44, within(1e-6));
  }

  @Test
  void aNeuronsDensityIsTheShareOfItsSampledTokensAboveZero() throws Exception {
    JsonNode canada = get("/api/viewer/activity/21/2932");
    assertThat(canada.get("status").asText()).isEqualTo("ok");
    assertThat(canada.get("density").asDouble())
        .isCloseTo(FindFixture.CANADA_DENSITY, within(1e-12));
    assertThat(canada.get("sampleTokens").asInt()).isEqualTo(6);
    assertThat(canada.get("dead").asBoolean()).isFalse();
    assertThat(canada.get("alwaysOn").asBoolean()).isFalse();
    assertThat(canada.get("tokens").get(0).get("token").asText()).isEqualTo("canada");

    JsonNode days = get("/api/viewer/activity/6/1017");
    assertThat(days.get("density").asDouble()).isEqualTo(1.0);
    assertThat(days.get("alwaysOn").asBoolean()).isTrue();

    JsonNode silent = get("/api/viewer/activity/14/2203");
    assertThat(silent.get("density").asDouble()).isZero();
    assertThat(silent.get("dead").asBoolean()).isTrue();
  }

  @Test
  void aMissingOrMalformedRecordIsSaidInPlainWords() throws Exception {
    assertThat(get("/api/viewer/activity/3/3").get("status").asText()).isEqualTo("missing");
    JsonNode broken = get("/api/viewer/activity/9/388");
    assertThat(broken.get("status").asText()).isEqualTo("error");
    assertThat(broken.get("message").asText())
        .isEqualTo(
            "collated-activations/9/388.json: not a collated-activations file of this layout");
    JsonNode answer = get("/api/viewer/find?mode=tokens&q=canada");
    assertThat(answer.get("unreadableRecords").get(0).asText())
        .isEqualTo(
            "collated-activations/9/388.json: not a collated-activations file of this layout");
  }

  @Test
  void theDensityFilterKeepsDeadAndAlwaysOnNeurons() throws Exception {
    JsonNode all = get("/api/viewer/find?mode=explanations&q=");
    assertThat(all.get("total").asInt()).isEqualTo(4);
    JsonNode alwaysOn = get("/api/viewer/find?mode=explanations&minDensity=0.99");
    assertThat(neurons(alwaysOn)).containsExactly("6:1017");
    JsonNode dead = get("/api/viewer/find?mode=explanations&dead=1");
    assertThat(neurons(dead)).containsExactly("14:2203");
    JsonNode middle = get("/api/viewer/find?mode=explanations&minDensity=0.2&maxDensity=0.5");
    assertThat(neurons(middle)).containsExactly("21:2932");
    assertThat(middle.get("hits").get(0).get("density").asDouble())
        .isCloseTo(FindFixture.CANADA_DENSITY, within(1e-12));
    // With words and a density bound together.
    assertThat(neurons(get("/api/viewer/find?q=canada&maxDensity=0.1"))).isEmpty();
    assertThat(get("/api/viewer/find?mode=tokens&q=canada&minDensity=0.99").get("total").asInt())
        .isEqualTo(1);
  }

  @Test
  void badParametersAreAnsweredInPlainWords() throws Exception {
    assertThat(
            ViewerHttp.getJson(server, "/api/viewer/find?minDensity=2", 400).get("error").asText())
        .startsWith("densities are shares between 0 and 1");
    assertThat(
            ViewerHttp.getJson(server, "/api/viewer/find?mode=weights", 400).get("error").asText())
        .isEqualTo("mode must be explanations or tokens, got weights");
    assertThat(
            ViewerHttp.getJson(server, "/api/viewer/export?format=xls", 400).get("error").asText())
        .isEqualTo("format must be csv or jsonl, got xls");
  }

  @Test
  void theCsvExportParsesBackWithEveryColumn() throws Exception {
    HttpResponse<String> response = ViewerHttp.get(server, "/api/viewer/export?format=csv");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"neurons.csv\"");
    List<List<String>> rows = parseCsv(response.body());
    assertThat(rows.get(0)).isEqualTo(NeuronExport.COLUMNS);
    assertThat(rows).hasSize(5);
    List<String> canada =
        rows.stream().filter(r -> r.get(0).equals("21")).findFirst().orElseThrow();
    assertThat(canada.get(1)).isEqualTo("2932");
    assertThat(canada.get(2)).isEqualTo("0");
    // The explanation holds commas: quoted, and back whole.
    assertThat(canada.get(3)).isEqualTo(ViewerFixture.CANADA);
    assertThat(Double.parseDouble(canada.get(4))).isBetween(-1.0, 1.0);
    // Detection: 2 of 4 answered right, one of each label: balanced accuracy 0.5.
    assertThat(Double.parseDouble(canada.get(5))).isCloseTo(0.5, within(1e-12));
    assertThat(canada.get(6)).isNotEmpty();
    assertThat(Double.parseDouble(canada.get(7)))
        .isCloseTo(FindFixture.CANADA_DENSITY, within(1e-12));
    assertThat(canada.get(8)).isEmpty();
    List<String> days = rows.stream().filter(r -> r.get(0).equals("6")).findFirst().orElseThrow();
    // This explanation holds double quotes.
    assertThat(days.get(3)).contains("\"on\"");
    assertThat(days.get(5)).isEmpty(); // no detection file for 6:1017
  }

  @Test
  void aLayerOrATokenSearchExportsAsJsonLines() throws Exception {
    HttpResponse<String> layer = ViewerHttp.get(server, "/api/viewer/export?format=jsonl&layer=21");
    assertThat(layer.statusCode()).isEqualTo(200);
    assertThat(layer.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"layer-21.jsonl\"");
    List<String> lines = layer.body().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode row = JSON.readTree(lines.get(0));
    assertThat(row.get("neuron").asInt()).isEqualTo(2932);
    assertThat(row.get("explanation").asText()).isEqualTo(ViewerFixture.CANADA);
    assertThat(row.get("activation").isNull()).isTrue();

    HttpResponse<String> tokens =
        ViewerHttp.get(server, "/api/viewer/export?format=jsonl&mode=tokens&q=Canada");
    List<String> hits = tokens.body().lines().toList();
    assertThat(hits).hasSize(2);
    assertThat(JSON.readTree(hits.get(0)).get("activation").asDouble())
        .isCloseTo(4.91, within(1e-6));
    assertThat(JSON.readTree(hits.get(1)).get("layer").asInt()).isEqualTo(6);
  }

  @Test
  void aRunExportsItsPlannedNeuronsWithItsOwnResults() throws Exception {
    HttpResponse<String> response = ViewerHttp.get(server, "/api/viewer/export?run=run-x");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"run-run-x.csv\"");
    List<List<String>> rows = parseCsv(response.body());
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).subList(0, 4)).containsExactly("21", "2932", "0", ViewerFixture.CANADA);
    // 6:1017 is in the plan but not in the run's results: its row says so with empty fields,
    // though the store's view has an explanation for it from elsewhere.
    assertThat(rows.get(2).subList(0, 5)).containsExactly("6", "1017", "", "", "");
    assertThat(Double.parseDouble(rows.get(2).get(7))).isEqualTo(1.0);
  }

  @Test
  void anUnknownRunIsNotFound() throws Exception {
    HttpResponse<String> response = ViewerHttp.get(server, "/api/viewer/export?run=no-such-run");
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void everyViewsAddressServesItsPage() throws Exception {
    for (String path :
        List.of(
            "/search?mode=tokens&q=Canada&minDensity=0.5&page=2",
            "/neurons/21/2932?pane=activations",
            "/?layer=21")) {
      HttpResponse<String> response = ViewerHttp.get(server, path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    }
  }

  private static List<String> neurons(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer
        .get("hits")
        .forEach(h -> out.add(h.get("layer").asInt() + ":" + h.get("neuron").asInt()));
    return out;
  }

  /** RFC 4180, written here apart from the code under test: quoted fields, "" for a quote. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        field.append(c);
      }
    }
    if (!row.isEmpty() || field.length() > 0) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
