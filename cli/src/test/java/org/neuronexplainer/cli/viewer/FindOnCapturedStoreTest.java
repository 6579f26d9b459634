package org.neuronexplainer.cli.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.viewer.ViewerServer;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.worker.capture.Fixtures;
import picocli.CommandLine;

/**
 * The token search and the densities over a store that capture wrote from the tiny GPT-2 fixture,
 * checked against a reading of the records written here, apart from the viewer's code.
 */
class FindOnCapturedStoreTest {

  private static final int NEURONS = 16;
  private static final int TOKENS_KEPT = 48;

  @TempDir static Path dir;
  private static Path store;
  private static ViewerServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void captureAndServe() throws Exception {
    Path corpus = dir.resolve("corpus.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      text.append("On day ").append(i).append(" the boat went down the river to the sea. ");
    }
    Files.writeString(corpus, text.toString());
    store = dir.resolve("store");
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "capture",
            "--model",
            Fixtures.hfGpt2Reference().toString(),
            "--corpus",
            corpus.toString(),
            "--out",
            store.toString(),
            "--context",
            "16",
            "--top",
            "5",
            "--random",
            "3",
            "--pool",
            "10",
            "--layers",
            "1",
            "--neurons",
            "0-" + (NEURONS - 1),
            "--batch",
            "4",
            "--progress",
            "none",
            "--device",
            "cpu");
    assertThat(code).as(err.toString()).isZero();
    server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(store), Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static NeuronRecord record(int neuron) throws Exception {
    return DatasetJson.read(
        store.resolve("collated-activations/1/" + neuron + ".json"), NeuronRecord.class);
  }

  /** Per neuron: its token keys above 0 and their largest activation, top excerpts and table. */
  private static Map<String, Double> strongest(int neuron) throws Exception {
    Map<String, Double> best = new HashMap<>();
    List<String> tokens = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (ActivationRecord r : record(neuron).mostPositiveActivationRecords()) {
      for (int i = 0; i < r.length(); i++) {
        tokens.add(r.tokens().get(i));
        values.add(r.activation(i));
      }
    }
    Path table = store.resolve("related-tokens/activation-based/1/" + neuron + ".json");
    if (Files.exists(table)) {
      TokenLookupTableSummaryOfNeuron t =
          DatasetJson.read(table, TokenLookupTableSummaryOfNeuron.class);
      double[] averages = t.averageActivations();
      for (int i = 0; i < t.tokens().size(); i++) {
        tokens.add(t.tokens().get(i));
        values.add(averages[i]);
      }
    }
    for (int i = 0; i < tokens.size(); i++) {
      String key = tokens.get(i).strip().toLowerCase(Locale.ROOT);
      double v = values.get(i);
      if (!key.isEmpty() && v > 0) {
        best.merge(key, v, Math::max);
      }
    }
    // Only the strongest keys are searchable.
    List<Map.Entry<String, Double>> ranked = new ArrayList<>(best.entrySet());
    ranked.sort(
        Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Double> kept = new HashMap<>();
    ranked.stream().limit(TOKENS_KEPT).forEach(e -> kept.put(e.getKey(), e.getValue()));
    return kept;
  }

  @Test
  void theTokenSearchRanksTheCapturedNeuronsByTheirActivationOnTheToken() throws Exception {
    int found = 0;
    // The fixture's small vocabulary splits most words ("r", "i", "ver"): tokens it has.
    for (String token : List.of("the", "to", "ver")) {
      List<double[]> expected = new ArrayList<>(); // {neuron, activation}
      for (int n = 0; n < NEURONS; n++) {
        Double on = strongest(n).get(token);
        if (on != null) {
          expected.add(new double[] {n, on});
        }
      }
      expected.sort(
          Comparator.<double[]>comparingDouble(e -> -e[1]).thenComparingDouble(e -> e[0]));
      JsonNode answer = get("/api/viewer/find?mode=tokens&limit=100&q=%20" + token);
      assertThat(answer.get("available").asBoolean()).isTrue();
      assertThat(answer.get("total").asInt()).as(token).isEqualTo(expected.size());
      found += expected.size();
      for (int i = 0; i < expected.size(); i++) {
        JsonNode hit = answer.get("hits").get(i);
        assertThat(hit.get("layer").asInt()).isEqualTo(1);
        assertThat(hit.get("neuron").asInt())
            .as(token + " #" + i)
            .isEqualTo((int) expected.get(i)[0]);
        // The index keeps activations as floats.
        assertThat(hit.get("activation").asDouble()).isCloseTo(expected.get(i)[1], within(1e-5));
      }
    }
    // A ranking over several neurons was checked, not an empty answer.
    assertThat(found).isGreaterThan(NEURONS / 2);
  }

  @Test
  void eachNeuronsDensityIsTheShareOfItsRandomSampleAboveZero() throws Exception {
    for (int n = 0; n < NEURONS; n++) {
      NeuronRecord record = record(n);
      long above = 0;
      long all = 0;
      for (ActivationRecord r : record.randomSample()) {
        for (double v : r.activations()) {
          all++;
          above += v > 0 ? 1 : 0;
        }
      }
      boolean dead = record.maxActivation() <= 0;
      JsonNode activity = get("/api/viewer/activity/1/" + n);
      assertThat(activity.get("status").asText()).isEqualTo("ok");
      assertThat(activity.get("sampleTokens").asLong()).isEqualTo(all);
      assertThat(activity.get("dead").asBoolean()).isEqualTo(dead);
      assertThat(activity.get("density").asDouble())
          .as("neuron " + n)
          .isCloseTo(dead ? 0 : (double) above / all, within(1e-12));
    }
  }
}
