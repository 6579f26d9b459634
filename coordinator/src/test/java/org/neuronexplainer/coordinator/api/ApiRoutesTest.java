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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.coordinator.runs.RunService;

/** The API's HTTP edge over a real RunService (in-memory store, mock producer). */
class ApiRoutesTest {

  private static final String TOKEN = "a-token-of-some-length";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();
  private static Vertx vertx;
  private static HttpServer server;
  private static RunRecords records;
  private static ProgressBoard board;
  private static RunService runs;

  @BeforeAll
  static void start() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    for (int n = 0; n < 4; n++) {
      store.put("collated-activations/0/" + n + ".json", new byte[] {'{', '}'});
    }
    records = new RunRecords(store);
    board = new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry()));
    runs =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(
                new Publisher(
                    new MockProducer<>(
                        true, null, new StringSerializer(), new ByteArraySerializer()),
                    new Topics("t."),
                    new MessageCodec())),
            board,
            () -> 1_000L);
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

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
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
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The one error shape: JSON with an error message. */
  private static String error(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    JsonNode body = json.readTree(response.body());
    assertThat(body.size()).isEqualTo(1);
    return body.get("error").asText();
  }

  @Test
  void aMissingOrWrongTokenIsRefusedWithAnErrorBody() throws Exception {
    HttpResponse<String> none = send("GET", "/api/runs", null, null);
    assertThat(error(none, 401)).isEqualTo("missing or wrong bearer token");
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(error(send("GET", "/api/runs", "wrong-token-0123456789", null), 401))
        .contains("bearer token");
  }

  @Test
  void badRequestsUnknownRunsAndConflictsEachGetTheirStatus() throws Exception {
    assertThat(error(send("POST", "/api/runs", TOKEN, "{not json"), 400))
        .startsWith("body is not JSON");
    assertThat(error(send("POST", "/api/runs", TOKEN, "{\"runId\":\"bad id!\"}"), 400))
        .isEqualTo(
            "malformed run id 'bad id!': a run id is 1-100 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit");
    assertThat(error(send("GET", "/api/runs/a%20b", TOKEN, null), 400))
        .isEqualTo(
            "malformed run id 'a b': a run id is 1-100 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit");
    assertThat(error(send("POST", "/api/runs/a%20b/cancel", TOKEN, "{}"), 400))
        .startsWith("malformed run id 'a b'");
    assertThat(error(send("POST", "/api/runs", TOKEN, "{\"layers\":\"0-x\"}"), 400))
        .startsWith("layers: '0-x' is not an index");
    assertThat(error(send("GET", "/api/runs/nope", TOKEN, null), 404)).contains("nope");

    String spec = "{\"runId\":\"api-run\",\"layers\":\"0\",\"llmModel\":\"m \\\"q\\\"\\u0001\"}";
    HttpResponse<String> created = send("POST", "/api/runs", TOKEN, spec);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode view = json.readTree(created.body());
    assertThat(view.get("runId").asText()).isEqualTo("api-run");
    assertThat(view.at("/spec/llmModel").asText()).isEqualTo("m \"q\"\u0001");
    assertThat(error(send("POST", "/api/runs", TOKEN, spec), 409)).contains("exists already");
  }

  @Test
  void cancelStopsARunningRunAndRefusesAFinishedOneLeavingItsStatus() throws Exception {
    HttpResponse<String> running =
        send("POST", "/api/runs", TOKEN, "{\"runId\":\"api-cancel\",\"layers\":\"0\"}");
    assertThat(running.statusCode()).as(running.body()).isEqualTo(201);
    HttpResponse<String> cancelled = send("POST", "/api/runs/api-cancel/cancel", TOKEN, null);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(json.readTree(cancelled.body()).get("state").asText()).isEqualTo("cancelled");

    HttpResponse<String> created =
        send("POST", "/api/runs", TOKEN, "{\"runId\":\"api-done\",\"layers\":\"0\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    for (int n = 0; n < 4; n++) {
      board.apply(
          new StageEvent.Succeeded(
              Messages.SCHEMA_VERSION,
              "api-done",
              Stage.EXPLAIN_AND_SCORE,
              "0:" + n,
              1,
              1_000L,
              false,
              new JobMetrics(10L, 2L, 0.5, 0.4, 4L)));
    }
    runs.settle();
    RunStatus before = records.status("api-done").orElseThrow();
    assertThat(before.state().id()).isEqualTo("succeeded");
    byte[] statusJson = records.store().get(RunRecords.statusKey("api-done")).orElseThrow();

    assertThat(error(send("POST", "/api/runs/api-done/cancel", TOKEN, null), 409))
        .isEqualTo("run api-done already succeeded at 1970-01-01T00:00:01Z; nothing to cancel");

    assertThat(records.store().get(RunRecords.statusKey("api-done")).orElseThrow())
        .isEqualTo(statusJson);
    JsonNode view = json.readTree(send("GET", "/api/runs/api-done", TOKEN, null).body());
    assertThat(view.get("state").asText()).isEqualTo("succeeded");
    assertThat(view.at("/status/finishedMillis").asLong()).isEqualTo(before.finishedMillis());
    HttpResponse<String> requeued =
        send("POST", "/api/runs/api-done/requeue", TOKEN, "{\"neurons\":[\"0:1\"]}");
    assertThat(requeued.statusCode()).as(requeued.body()).isEqualTo(200);
    assertThat(json.readTree(requeued.body()).get("requeued").get(0).asText()).isEqualTo("0:1");
  }

  @Test
  void resumeTakesUpAStoppedRunAndRefusesOthersWithPlainErrors() throws Exception {
    assertThat(error(send("POST", "/api/runs/api-nope/resume", TOKEN, null), 404))
        .contains("api-nope");
    assertThat(error(send("POST", "/api/runs/api-nope/resume", null, null), 401))
        .contains("bearer token");
    HttpResponse<String> created =
        send("POST", "/api/runs", TOKEN, "{\"runId\":\"api-resume\",\"layers\":\"0\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(error(send("POST", "/api/runs/api-resume/resume", TOKEN, null), 409))
        .isEqualTo("run api-resume is running: nothing to resume (`status api-resume` follows it)");
    assertThat(runs.interrupt("api-resume")).isTrue();

    HttpResponse<String> resumed = send("POST", "/api/runs/api-resume/resume", TOKEN, null);

    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    JsonNode view = json.readTree(resumed.body());
    assertThat(view.get("state").asText()).isEqualTo("running");
    assertThat(view.at("/status/resumedMillis").asLong()).isEqualTo(1_000L);
    assertThat(view.at("/progress/neurons").asInt()).isEqualTo(4);
  }

  @Test
  void anUnknownExplainerSimulatorCalibrationOrPublishPolicyIsRefusedAtSubmit() throws Exception {
    assertThat(
            error(
                send("POST", "/api/runs", TOKEN, "{\"runId\":\"x1\",\"explainer\":\"gpt\"}"), 400))
        .isEqualTo(
            "unknown explainer \"gpt\": expected one of token-activation-pair, token-space,"
                + " baseline");
    assertThat(
            error(
                send("POST", "/api/runs", TOKEN, "{\"runId\":\"x2\",\"simulator\":\"nope\"}"), 400))
        .startsWith("unknown simulator \"nope\"");
    assertThat(
            error(
                send("POST", "/api/runs", TOKEN, "{\"runId\":\"x3\",\"calibration\":\"x\"}"), 400))
        .startsWith("unknown calibration \"x\"");
    assertThat(
            error(send("POST", "/api/runs", TOKEN, "{\"runId\":\"x5\",\"publish\":\"top\"}"), 400))
        .isEqualTo("unknown publish policy \"top\": expected one of latest, best, none");
    assertThat(records.status("x1")).isEmpty();
    assertThat(records.status("x5")).isEmpty();

    HttpResponse<String> known =
        send(
            "POST",
            "/api/runs",
            TOKEN,
            "{\"runId\":\"x4\",\"layers\":\"0\",\"explainer\":\"Baseline\","
                + "\"simulator\":\"baseline\",\"calibration\":\"percentile-midrank\"}");
    assertThat(known.statusCode()).as(known.body()).isEqualTo(201);
  }

  @Test
  void aSubmittedRefinementIsKeptInTheSpecAndABadOneIsRefused() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/runs",
            TOKEN,
            "{\"runId\":\"api-k\",\"layers\":\"0\","
                + "\"scorers\":[\"simulation\",\"detection\"],"
                + "\"refinement\":{\"explanations\":4,\"revisions\":2,\"selectBy\":\"detection\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode view = json.readTree(send("GET", "/api/runs/api-k", TOKEN, null).body());
    assertThat(view.at("/spec/refinement/explanations").asInt()).isEqualTo(4);
    assertThat(view.at("/spec/refinement/revisions").asInt()).isEqualTo(2);
    assertThat(view.at("/spec/refinement/selectBy").asText()).isEqualTo("detection");
    assertThat(records.spec("api-k").orElseThrow().refinement().revisions()).isEqualTo(2);

    assertThat(
            error(
                send(
                    "POST",
                    "/api/runs",
                    TOKEN,
                    "{\"runId\":\"k1\",\"refinement\":{\"revisions\":11}}"),
                400))
        .isEqualTo("revision rounds must be 0 to 10, got 11");
    assertThat(
            error(
                send(
                    "POST",
                    "/api/runs",
                    TOKEN,
                    "{\"runId\":\"k2\",\"refinement\":{\"selectBy\":\"fuzzing\"}}"),
                400))
        .startsWith("the best explanation is picked by fuzzing, which is not one of the run's");
    assertThat(records.status("k1")).isEmpty();
    assertThat(records.status("k2")).isEmpty();
  }

  @Test
  void requeueRefusesNeuronsThatAreNotAList() throws Exception {
    HttpResponse<String> created =
        send("POST", "/api/runs", TOKEN, "{\"runId\":\"api-requeue\",\"layers\":\"0\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    assertThat(
            error(
                send("POST", "/api/runs/api-requeue/requeue", TOKEN, "{\"neurons\":\"0:0\"}"), 400))
        .startsWith("neurons must be a list of \"layer:index\" strings");
    assertThat(
            error(send("POST", "/api/runs/api-requeue/requeue", TOKEN, "{\"neurons\":[0]}"), 400))
        .contains("got 0");
    HttpResponse<String> none =
        send("POST", "/api/runs/api-requeue/requeue", TOKEN, "{\"neurons\":null}");
    assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
  }

  @Test
  void aBodyOverTheLimitIsAPlain413() throws Exception {
    String big = "{\"runId\":\"big\",\"llmModel\":\"" + "x".repeat(ApiRoutes.BODY_LIMIT) + "\"}";

    assertThat(error(send("POST", "/api/runs", TOKEN, big), 413))
        .isEqualTo(
            "request body too large: the API reads at most " + ApiRoutes.BODY_LIMIT + " bytes");
    assertThat(records.status("big")).isEmpty();
  }
}
