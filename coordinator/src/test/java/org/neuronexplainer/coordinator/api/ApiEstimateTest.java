package org.neuronexplainer.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.runs.RunEstimates;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.coordinator.runs.RunService;

/**
 * {@code POST /api/runs/estimate} over a real RunService: checked as a submit is, answered by the
 * injected count, and leaving the store and the broker untouched.
 */
class ApiEstimateTest {

  private static final String TOKEN = "a-token-of-some-length";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private Vertx vertx;
  private HttpServer server;

  /** Counts each planned neuron as one call; {@code gate}, when set, holds every count. */
  private final class Counting implements RunEstimates {
    final List<RunSpec> specs = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch gate;
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    public RunEstimate estimate(RunSpec spec, List<NeuronId> plan) {
      specs.add(spec);
      started.countDown();
      if (gate != null) {
        try {
          gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new RunEstimate(
          plan.size(),
          plan.size(),
          plan.size(),
          0,
          100L * plan.size(),
          60L * plan.size(),
          "m",
          "o200k_base",
          true,
          0.5,
          0.25,
          List.of("an assumption"));
    }
  }

  private void start(RunEstimates estimates) throws Exception {
    for (int n = 0; n < 4; n++) {
      store.put("collated-activations/0/" + n + ".json", new byte[] {'{', '}'});
    }
    RunService runs =
        new RunService(
            new RunRecords(store),
            new RunPlanner(store),
            new JobPublisher(new Publisher(producer, new Topics("t."), new MessageCodec())),
            new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry())),
            () -> 1_000L);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new ApiRoutes(vertx, runs, new BearerAuth(TOKEN), estimates).accept(router);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private HttpRequest request(String method, String path, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    return http.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("error").asText();
  }

  @Test
  void answersTheCountOfThePlannedNeuronsAndWritesAndSendsNothing() throws Exception {
    Counting counting = new Counting();
    start(counting);
    List<String> before = store.list("");

    HttpResponse<String> answer =
        send("POST", "/api/runs/estimate", TOKEN, "{\"layers\":\"0\",\"neurons\":\"1-2\"}");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    RunEstimate estimate = json.readValue(answer.body(), RunEstimate.class);
    assertThat(estimate.neurons()).isEqualTo(2);
    assertThat(estimate.promptTokens()).isEqualTo(200);
    assertThat(estimate.batchCostUsd()).isEqualTo(0.25);
    assertThat(counting.specs).hasSize(1);
    assertThat(store.list("")).isEqualTo(before);
    assertThat(store.list("runs/")).isEmpty();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void refusesWhatASubmitRefusesWithTheSameMessages() throws Exception {
    Counting counting = new Counting();
    start(counting);
    for (String body :
        new String[] {
          "{not json",
          "{\"runId\":\"bad id!\"}",
          "{\"layers\":\"0-x\"}",
          "{\"explainer\":\"gpt\"}",
          "{\"layers\":\"7\"}",
          "{\"promptTexts\":{\"name\":\"mine.json\",\"sha256\":\"" + "0".repeat(64) + "\"}}"
        }) {
      String submitted = error(send("POST", "/api/runs", TOKEN, body), 400);
      assertThat(error(send("POST", "/api/runs/estimate", TOKEN, body), 400))
          .as(body)
          .isEqualTo(submitted);
    }
    assertThat(
            error(
                send(
                    "POST",
                    "/api/runs/estimate",
                    TOKEN,
                    "{\"capture\":{\"model\":\"gpt2\",\"corpus\":[\"c.txt\"]}}"),
                400))
        .contains("capture run");
    assertThat(counting.specs).isEmpty();
    assertThat(store.list("runs/")).isEmpty();
  }

  @Test
  void needsTheBearerToken() throws Exception {
    start(new Counting());
    HttpResponse<String> none = send("POST", "/api/runs/estimate", null, "{}");
    assertThat(error(none, 401)).isEqualTo("missing or wrong bearer token");
    assertThat(error(send("POST", "/api/runs/estimate", "wrong-token-0123456789", "{}"), 401))
        .contains("bearer token");
  }

  @Test
  void withoutACountTheEndpointIsNotImplemented() throws Exception {
    start(null);
    assertThat(error(send("POST", "/api/runs/estimate", TOKEN, "{}"), 501))
        .contains("does not estimate runs");
  }

  @Test
  void aLongCountDoesNotHoldTheOtherRequests() throws Exception {
    Counting counting = new Counting();
    counting.gate = new CountDownLatch(1);
    start(counting);
    List<CompletableFuture<HttpResponse<String>>> estimates = new ArrayList<>();
    // More counts than the estimates have threads, and more than enough to hold a small pool.
    for (int i = 0; i < ApiRoutes.ESTIMATE_THREADS + 3; i++) {
      estimates.add(
          http.sendAsync(
              request("POST", "/api/runs/estimate", TOKEN, "{\"layers\":\"0\"}"),
              HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(counting.started.await(30, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> list = send("GET", "/api/runs", TOKEN, null);
    HttpResponse<String> created = send("POST", "/api/runs", TOKEN, "{\"runId\":\"r\"}");

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(estimates).noneMatch(CompletableFuture::isDone);
    counting.gate.countDown();
    for (CompletableFuture<HttpResponse<String>> estimate : estimates) {
      JsonNode body = json.readTree(estimate.get(30, TimeUnit.SECONDS).body());
      assertThat(body.get("neurons").asInt()).isEqualTo(4);
    }
  }
}
