package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

class ProbeRoutesTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path store;
  private ViewerServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private FakeProbe start(boolean predicts, BoundedProbe.Limits limits) {
    FakeProbe probe = new FakeProbe(predicts);
    server =
        ViewerServer.start(
            ViewerStores.of(new ViewerService(new LocalDirectoryStore(store), Optional.empty())),
            Optional.of(new BoundedProbe(probe, limits)),
            "127.0.0.1",
            0);
    return probe;
  }

  private HttpResponse<String> post(Object body) throws Exception {
    String text = body instanceof String s ? s : JSON.writeValueAsString(body);
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/viewer/probe"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(text))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error").asText();
  }

  @Test
  void withoutAModelThePageIsToldHowToEnableIt() throws Exception {
    server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(store), Optional.empty()), "127.0.0.1", 0);
    JsonNode probe = ViewerHttp.getJson(server, "/api/viewer/probe", 200);
    assertThat(probe.path("available").asBoolean()).isFalse();
    assertThat(probe.path("reason").asText()).contains("serve --model DIR");
    HttpResponse<String> response = post(Map.of("layer", 0, "neuron", 1, "text", "a b"));
    assertThat(response.statusCode()).isEqualTo(501);
    assertThat(error(response)).contains("serve --model DIR");
  }

  @Test
  void aTextComesBackAsTokensWithTheNeuronsActivations() throws Exception {
    start(false, BoundedProbe.Limits.DEFAULTS);
    JsonNode probe = ViewerHttp.getJson(server, "/api/viewer/probe", 200);
    assertThat(probe.path("available").asBoolean()).isTrue();
    assertThat(probe.path("model").asText()).isEqualTo("a fake model");
    assertThat(probe.path("maxChars").asInt()).isEqualTo(2_000);
    assertThat(probe.path("predicts").asBoolean()).isFalse();

    HttpResponse<String> response =
        post(Map.of("layer", 1, "neuron", 4, "text", "the cat sat", "explanation", "cats"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode reading = JSON.readTree(response.body());
    assertThat(reading.path("neuron").path("layer").asInt()).isEqualTo(1);
    assertThat(reading.path("tokens").toString()).isEqualTo("[\"the\",\" cat\",\" sat\"]");
    assertThat(reading.path("activations").toString()).isEqualTo("[1.5,1.5,1.5]");
    assertThat(reading.path("predicted").isNull()).isTrue();
    assertThat(reading.path("noPrediction").asText()).isEqualTo("No LLM endpoint is configured.");
  }

  @Test
  void aPredictionComesWithTheReadingWhereTheProbePredicts() throws Exception {
    start(true, BoundedProbe.Limits.DEFAULTS);
    HttpResponse<String> response =
        post(Map.of("layer", 0, "neuron", 0, "text", "one dog", "explanation", "the word dog"));
    JsonNode reading = JSON.readTree(response.body());
    assertThat(reading.path("predicted").toString()).isEqualTo("[0.0,10.0]");
  }

  @Test
  void badInputIsRefusedInPlainWords() throws Exception {
    start(false, new BoundedProbe.Limits(20, 1, Duration.ofSeconds(10)));
    HttpResponse<String> tooLong = post(Map.of("layer", 0, "neuron", 0, "text", "x".repeat(21)));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(error(tooLong))
        .isEqualTo("The text is 21 characters long; at most 20 are run at once. Shorten it.");

    HttpResponse<String> empty = post(Map.of("layer", 0, "neuron", 0, "text", "  "));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(error(empty)).isEqualTo("Type a text for the model to read first.");

    HttpResponse<String> outside = post(Map.of("layer", 2, "neuron", 0, "text", "a"));
    assertThat(outside.statusCode()).isEqualTo(400);
    assertThat(error(outside))
        .isEqualTo("The model has no neuron 2:0: it has 2 layers of 8 neurons.");

    HttpResponse<String> notJson = post("layer=0");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(error(notJson)).isEqualTo("Expected a JSON object with layer, neuron and text.");

    HttpResponse<String> negative = post(Map.of("layer", -1, "neuron", 0, "text", "a"));
    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(error(negative)).isEqualTo("layer and neuron must be non-negative integers.");
  }

  @Test
  void theProbesOwnRefusalIsPassedOnAsItsWords() throws Exception {
    start(false, BoundedProbe.Limits.DEFAULTS);
    HttpResponse<String> response = post(Map.of("layer", 0, "neuron", 0, "text", " a".repeat(60)));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).isEqualTo("The text is 60 tokens long.");
  }

  @Test
  void aSecondTextWhileTheOnlySlotIsTakenIsToldToTryAgain() throws Exception {
    FakeProbe probe = start(false, new BoundedProbe.Limits(2_000, 1, Duration.ofSeconds(20)));
    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post(Map.of("layer", 0, "neuron", 0, "text", "slow text"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(probe.started.await(10, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> busy = post(Map.of("layer", 0, "neuron", 0, "text", "quick"));
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(error(busy))
        .isEqualTo("The model is busy with other texts right now. Try again in a few seconds.");
    probe.release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(post(Map.of("layer", 0, "neuron", 0, "text", "quick")).statusCode()).isEqualTo(200);
  }

  @Test
  void aTextTheModelTakesTooLongOnEndsTheWaitWithAMessage() throws Exception {
    FakeProbe probe = start(false, new BoundedProbe.Limits(2_000, 1, Duration.ofMillis(300)));
    HttpResponse<String> slow = post(Map.of("layer", 0, "neuron", 0, "text", "slow text"));
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(error(slow))
        .isEqualTo(
            "The model gave no answer within 0.3 seconds. Try a shorter text, or try again later.");
    // The pass still runs and holds its slot until it ends.
    assertThat(post(Map.of("layer", 0, "neuron", 0, "text", "quick")).statusCode()).isEqualTo(503);
    probe.release.countDown();
  }

  @Test
  void anSaesLatentsAreNotRunAndThePageIsToldWhy() throws Exception {
    SaeFixture.write(store);
    server =
        ViewerServer.start(
            new ViewerStores(
                List.of(
                    new ViewerStores.Entry(
                        "with an SAE",
                        new ViewerService(new LocalDirectoryStore(store), Optional.empty())))),
            Optional.of(new BoundedProbe(new FakeProbe(false), BoundedProbe.Limits.DEFAULTS)),
            "127.0.0.1",
            0);
    // Entry 0 is the model's own neurons, entry 1 the SAE's latents.
    assertThat(
            ViewerHttp.getJson(server, "/api/viewer/probe?store=0", 200)
                .path("available")
                .asBoolean())
        .isTrue();
    JsonNode latents = ViewerHttp.getJson(server, "/api/viewer/probe?store=1", 200);
    assertThat(latents.path("available").asBoolean()).isFalse();
    assertThat(latents.path("reason").asText()).contains("SAE's latents");
    HttpResponse<String> refused =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/viewer/probe?store=1"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"layer\":0,\"neuron\":1,\"text\":\"a\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(error(refused)).contains("SAE's latents");
  }

  @Test
  void closingTheServerClosesTheProbe() {
    FakeProbe probe = start(false, BoundedProbe.Limits.DEFAULTS);
    server.close();
    server = null;
    assertThat(probe.closed).isTrue();
  }
}
