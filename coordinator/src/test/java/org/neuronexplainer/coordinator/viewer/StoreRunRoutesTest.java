package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** The run routes of a viewer without a coordinator: the store's run records, read only. */
class StoreRunRoutesTest {

  @TempDir static Path root;
  private static ViewerServer server;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();
  private static final String TEXTS = "{\"explainer.system\": \"Look at the neuron <b>.\"}";
  private static final String BUNDLED_SHA = "ab".repeat(32);

  @BeforeAll
  static void start() {
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    RunRecords records = new RunRecords(store);
    List<NeuronId> plan = List.of(new NeuronId(0, 1), new NeuronId(0, 2), new NeuronId(0, 3));
    records.putSpec(
        new RunSpec("run-a", "store", "0", null, "baseline", "baseline", "linear", null, 3));
    records.putPlan("run-a", plan);
    records.putStatus(new RunStatus("run-a", RunState.RUNNING, 3, 1_000, 0));
    records.putDone(plan.get(0), new RunRecords.DoneMarker("run-a", "m", 0.5));
    records.putDone(plan.get(2), new RunRecords.DoneMarker("run-a", "m", 0.25));
    // A run that recorded its prompts' files: its own texts (stored), the bundled explainer set
    // by name and hash only, and no simulator set.
    records.putSpec(
        new RunSpec(
                "run-inputs",
                "store",
                null,
                null,
                "token-activation-pair",
                "all-at-once",
                "percentile",
                "gpt-x",
                3)
            .withPrompts(
                RunInput.of("my-texts.json", TEXTS.getBytes(StandardCharsets.UTF_8)),
                new RunInput("default:explanation-examples.json", BUNDLED_SHA, null),
                null,
                true));
    records.putStatus(new RunStatus("run-inputs", RunState.SUCCEEDED, 0, 2_000, 3_000));
    // A finished run whose coordinator recorded two failed neurons before it exited.
    records.putPlan("run-f", plan);
    records.putStatus(new RunStatus("run-f", RunState.FAILED, 3, 1_000, 2_000));
    records.putDone(plan.get(1), new RunRecords.DoneMarker("run-f", "m", 0.5));
    records.putFailures(
        "run-f",
        List.of(
            new RunFailure("0:1", "explain-and-score", 2, "endpoint down"),
            new RunFailure("0:3", "explain-and-score", 3, "<img src=x onerror=alert(1)>")));
    // A batch run whose batcher counted its batches once, and one it has not counted yet.
    records.putSpec(
        new RunSpec("run-batch", "store", null, null, "baseline", "baseline", "linear", null, 3)
            .withBatch(true));
    records.putStatus(new RunStatus("run-batch", RunState.RUNNING, 3, 1_000, 0));
    records.putBatchSummary(new RunRecords.BatchSummary("run-batch", 4, 12, 2, 5, 1, 9_000));
    records.putSpec(
        new RunSpec("run-batch-new", "store", null, null, "baseline", "baseline", "linear", null, 3)
            .withBatch(true));
    records.putStatus(new RunStatus("run-batch-new", RunState.RUNNING, 3, 1_000, 0));
    server = ViewerServer.start(new ViewerService(store, Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(String path, int status) throws Exception {
    HttpResponse<String> response = send("GET", path);
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(status);
    return json.readTree(response.body());
  }

  @Test
  void listsTheRunsOfTheStoreWithTheirRecordedState() throws Exception {
    JsonNode answer = getJson("/api/viewer/runs", 200);
    assertThat(answer.get("live").asBoolean()).isFalse();
    assertThat(answer.get("runs")).hasSize(5);
    assertThat(answer.at("/runs/0/runId").asText()).isEqualTo("run-a");
    assertThat(answer.at("/runs/0/state").asText()).isEqualTo("running");
    assertThat(answer.at("/runs/0/spec/explainer").asText()).isEqualTo("baseline");
    assertThat(getJson("/api/viewer/info", 200).get("liveRuns").asBoolean()).isFalse();
  }

  @Test
  void aRunCountsItsDoneMarkersAndKnowsNoFailures() throws Exception {
    JsonNode answer = getJson("/api/viewer/runs/run-a", 200);
    assertThat(answer.get("live").asBoolean()).isFalse();
    assertThat(answer.at("/run/progress/neurons").asInt()).isEqualTo(3);
    assertThat(answer.at("/run/progress/states/done").asInt()).isEqualTo(2);
    JsonNode neurons = getJson("/api/viewer/runs/run-a/neurons?state=failed", 200);
    assertThat(neurons.get("neurons")).isEmpty();
    assertThat(getJson("/api/viewer/runs/run-b", 404).get("error").asText()).contains("run-b");
    assertThat(getJson("/api/viewer/runs/run-a/neurons?state=odd", 400).get("error").asText())
        .contains("unknown state");
  }

  @Test
  void aFinishedRunListsItsFailedNeuronsFromItsFailuresFile() throws Exception {
    JsonNode answer = getJson("/api/viewer/runs/run-f", 200);
    assertThat(answer.get("failures").asText()).isEqualTo("runs/run-f/failures.jsonl");
    assertThat(answer.at("/run/progress/states/failed").asInt()).isEqualTo(2);
    assertThat(answer.at("/run/progress/states/done").asInt()).isEqualTo(1);
    JsonNode neurons = getJson("/api/viewer/runs/run-f/neurons?state=failed", 200).get("neurons");
    assertThat(neurons).hasSize(2);
    assertThat(neurons.at("/0/neuron").asText()).isEqualTo("0:1");
    assertThat(neurons.at("/0/state").asText()).isEqualTo("failed");
    assertThat(neurons.at("/0/stage").asText()).isEqualTo("explain-and-score");
    assertThat(neurons.at("/0/attempt").asInt()).isEqualTo(2);
    assertThat(neurons.at("/0/reason").asText()).isEqualTo("endpoint down");
    assertThat(neurons.at("/1/reason").asText()).isEqualTo("<img src=x onerror=alert(1)>");
    assertThat(getJson("/api/viewer/runs/run-f/neurons?state=done", 200).get("neurons")).isEmpty();
    assertThat(send("GET", "/raw/runs/run-f/failures.jsonl").body()).contains("endpoint down");
    assertThat(getJson("/api/viewer/runs/run-a", 200).has("failures"))
        .as("run-a never had a failed neuron")
        .isFalse();
  }

  @Test
  void aRunShowsTheMethodAndTheRecordedInputsWithLinksToTheStoredFiles() throws Exception {
    JsonNode method = getJson("/api/viewer/runs/run-inputs", 200).get("method");
    assertThat(method.get("explainer").asText()).isEqualTo("token-activation-pair");
    assertThat(method.get("simulator").asText()).isEqualTo("all-at-once");
    assertThat(method.get("calibration").asText()).isEqualTo("percentile");
    assertThat(method.get("llmModel").asText()).isEqualTo("gpt-x");
    assertThat(method.get("escapeTokens").asBoolean()).isTrue();

    JsonNode texts = method.at("/inputs/promptTexts");
    assertThat(texts.get("recorded").asBoolean()).isTrue();
    assertThat(texts.get("name").asText()).isEqualTo("my-texts.json");
    assertThat(texts.get("sha256").asText())
        .isEqualTo(RunInput.sha256(TEXTS.getBytes(StandardCharsets.UTF_8)));
    assertThat(texts.get("key").asText()).isEqualTo("runs/run-inputs/prompt-texts.json");
    HttpResponse<String> raw = send("GET", "/raw/" + texts.get("key").asText());
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(TEXTS);
    assertThat(raw.headers().firstValue("Content-Security-Policy")).isPresent();

    // Recorded by name and hash alone: nothing stored, so nothing to link to.
    JsonNode bundled = method.at("/inputs/explainerFewShot");
    assertThat(bundled.get("name").asText()).isEqualTo("default:explanation-examples.json");
    assertThat(bundled.get("sha256").asText()).isEqualTo(BUNDLED_SHA);
    assertThat(bundled.has("key")).isFalse();
    assertThat(method.at("/inputs/simulatorFewShot/recorded").asBoolean()).isFalse();
  }

  @Test
  void aBatchRunShowsItsBatchesAsTheBatcherLastCountedThem() throws Exception {
    JsonNode run = getJson("/api/viewer/runs/run-batch", 200).get("run");
    assertThat(run.at("/spec/batch").asBoolean()).isTrue();
    JsonNode batches = run.get("batches");
    assertThat(batches.get("pendingCalls").asLong()).isEqualTo(4);
    assertThat(batches.get("callsInBatches").asLong()).isEqualTo(12);
    assertThat(batches.get("inProgress").asLong()).isEqualTo(2);
    assertThat(batches.get("completed").asLong()).isEqualTo(5);
    assertThat(batches.get("failed").asLong()).isEqualTo(1);
    assertThat(batches.get("updatedMillis").asLong()).isEqualTo(9_000);

    JsonNode uncounted = getJson("/api/viewer/runs/run-batch-new", 200).get("run");
    assertThat(uncounted.at("/spec/batch").asBoolean()).isTrue();
    assertThat(uncounted.has("batches")).as("not counted yet").isFalse();
    JsonNode plain = getJson("/api/viewer/runs/run-a", 200).get("run");
    assertThat(plain.has("batches")).isFalse();
    assertThat(plain.at("/spec").has("batch")).as("false, left out").isFalse();
  }

  @Test
  void anOlderRunWithoutRecordedInputsSaysSo() throws Exception {
    JsonNode method = getJson("/api/viewer/runs/run-a", 200).get("method");
    assertThat(method.get("explainer").asText()).isEqualTo("baseline");
    assertThat(method.has("llmModel")).isFalse();
    assertThat(method.has("escapeTokens")).as("not recorded, so not shown as off").isFalse();
    for (String input : List.of("promptTexts", "explainerFewShot", "simulatorFewShot")) {
      assertThat(method.at("/inputs/" + input + "/recorded").asBoolean()).as(input).isFalse();
      assertThat(method.at("/inputs/" + input).has("name")).isFalse();
    }
  }

  @Test
  void theRawRouteServesARunsInputFilesButNotItsOtherRecords() throws Exception {
    assertThat(send("GET", "/raw/runs/run-a/spec.json").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/raw/runs/run-inputs/status.json").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/raw/runs/run-inputs/explainer-few-shot.json").statusCode())
        .as("a valid key, not stored")
        .isEqualTo(404);
    assertThat(send("GET", "/raw/runs/run-inputs/prompt-texts.json").statusCode()).isEqualTo(200);
    assertThat(RunMethodJson.isInputKey("runs/../prompt-texts.json")).isFalse();
    assertThat(RunMethodJson.isInputKey("runs/a/b/prompt-texts.json")).isFalse();
  }

  @Test
  void servesTheRunPagesAndRefreshesTheIndexOnRequest() throws Exception {
    HttpResponse<String> list = send("GET", "/runs");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("/static/runs.js");
    HttpResponse<String> page = send("GET", "/runs/run-a");
    assertThat(page.body()).contains("/static/run.js");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    // No index yet: there is nothing to refresh, and the answer says so.
    HttpResponse<String> refresh = send("POST", "/api/viewer/refresh");
    assertThat(refresh.statusCode()).isEqualTo(200);
    assertThat(json.readTree(refresh.body()).get("changed").asBoolean()).isFalse();
    assertThat(send("GET", "/api/viewer/refresh").statusCode()).isNotEqualTo(200);
  }

  @Test
  void anErrorHasTheApisShapeAndTheViewersHeaders() throws Exception {
    HttpResponse<String> missing = send("GET", "/api/viewer/runs/run-b");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    assertThat(missing.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(missing.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    JsonNode body = json.readTree(missing.body());
    assertThat(body.size()).isEqualTo(1);
    assertThat(body.get("error").asText()).contains("run-b");
  }
}
