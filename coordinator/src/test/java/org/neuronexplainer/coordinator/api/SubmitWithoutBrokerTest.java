package org.neuronexplainer.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.coordinator.runs.RunService;

/**
 * A broker that never acknowledges: a submission or a requeue answers 503 within the publish
 * timeout, naming what happened, and other requests answer meanwhile.
 */
class SubmitWithoutBrokerTest {

  private static final String TOKEN = "a-token-of-some-length";
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;
  private RunRecords records;
  private RunService runs;
  private MockProducer<String, byte[]> silent;

  @BeforeEach
  void start() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.put("collated-activations/0/0.json", new byte[] {'{', '}'});
    records = new RunRecords(store);
    silent =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized void flush() {
            // never acknowledged
          }
        };
    runs =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(
                new Publisher(silent, new Topics("t."), new MessageCodec()),
                Duration.ofSeconds(60)),
            new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry())),
            () -> 1_000L,
            // Long enough for the other requests to answer meanwhile, however busy the CPUs.
            Duration.ofSeconds(5));
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new ApiRoutes(vertx, runs, new BearerAuth(TOKEN)).accept(router);
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
    runs.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private HttpRequest request(String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .header("Authorization", "Bearer " + TOKEN)
        .timeout(Duration.ofSeconds(20))
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  @Test
  void aRequeueAnswers503InTimeAndOtherRequestsAnswerMeanwhile() throws Exception {
    // A run whose first jobs went out before the broker stopped answering.
    records.putSpec(new RunSpec("r", "store", "0", null, null, null, null, null, 1));
    records.putPlan("r", List.of(new NeuronId(0, 0)));
    records.putStatus(new RunStatus("r", RunState.RUNNING, 1, 1_000L, 0));
    records.putPublished(new RunRecords.PublishedMarker("r", 1, 1_000L));
    runs.load();

    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> requeue =
        http.sendAsync(
            request("POST", "/api/runs/r/requeue", "{\"neurons\":[\"0:0\"]}"),
            HttpResponse.BodyHandlers.ofString());
    Await.until(
        Duration.ofSeconds(30), "the re-queued job sent", () -> silent.history().size() >= 1);

    HttpResponse<String> list =
        http.send(request("GET", "/api/runs", null), HttpResponse.BodyHandlers.ofString());
    assertThat(requeue).as("the requeue still waits for the broker").isNotDone();
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"runId\":\"r\"");
    HttpResponse<String> cancelOther =
        http.send(
            request("POST", "/api/runs/nope/cancel", null), HttpResponse.BodyHandlers.ofString());
    assertThat(cancelOther.statusCode()).isEqualTo(404);

    HttpResponse<String> answer = requeue.get(60, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(answer.body()).get("error").asText())
        .isEqualTo(
            "run r: 1 neuron was re-queued, but their jobs are not published yet (the broker did"
                + " not take them within 5 s); the coordinator publishes them when the broker is"
                + " back");
    assertThat(took).isBetween(Duration.ofMillis(4_900), Duration.ofSeconds(30));
  }

  @Test
  void aSubmissionAnswers503InTimeAndOtherRequestsAnswerMeanwhile() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> submit =
        http.sendAsync(
            request("POST", "/api/runs", "{\"runId\":\"r\",\"layers\":\"0\"}"),
            HttpResponse.BodyHandlers.ofString());
    Await.until(Duration.ofSeconds(30), "run r recorded", () -> records.status("r").isPresent());

    HttpResponse<String> list =
        http.send(request("GET", "/api/runs", null), HttpResponse.BodyHandlers.ofString());
    assertThat(submit).as("the submission still waits for the broker").isNotDone();
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"runId\":\"r\"").contains("\"state\":\"running\"");
    HttpResponse<String> cancelOther =
        http.send(
            request("POST", "/api/runs/nope/cancel", null), HttpResponse.BodyHandlers.ofString());
    assertThat(cancelOther.statusCode()).isEqualTo(404);

    HttpResponse<String> answer = submit.get(60, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(answer.body()).get("error").asText())
        .isEqualTo(
            "run r was recorded, but its jobs are not published yet (the broker did not take them"
                + " within 5 s); the coordinator publishes them when the broker is back");
    assertThat(took).isBetween(Duration.ofMillis(4_900), Duration.ofSeconds(30));
    assertThat(records.published("r")).isFalse();
  }
}
