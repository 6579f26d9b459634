package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.CoordinatorMetrics;
import org.neuronexplainer.coordinator.api.ApiRoutes;
import org.neuronexplainer.coordinator.api.BearerAuth;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.coordinator.runs.RunService;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptTexts;
import picocli.CommandLine;

/**
 * The coordinator's estimate, counted by {@link StoreRunEstimates} over its store, is {@code run
 * --dry-run}'s count over the same store, and {@code submit --dry-run} prints it as {@code run
 * --dry-run} does.
 */
class SubmitDryRunTest {

  private static final String TOKEN = "a-token-of-some-length";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @TempDir Path home;

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private BlobStore store;
  private Vertx vertx;
  private HttpServer server;

  private static LlmConfig llm() {
    return LlmConfig.fromEnv(
        Map.of(
            "LLM_MODEL",
            "gpt-x",
            "LLM_BASE_URL",
            "http://127.0.0.1:9/v1",
            "LLM_PRICES",
            "gpt-x=2:8"));
  }

  @BeforeEach
  void start() throws Exception {
    Path file = Path.of("..", "examples", "collated-activations", "6", "1017.json");
    NeuronRecord record = DatasetJson.read(file, NeuronRecord.class);
    Path key = dir.resolve(RunRecords.recordKey(record.neuronId()));
    Files.createDirectories(key.getParent());
    Files.copy(file, key);
    store = new LocalDirectoryStore(dir);
    RunService runs =
        new RunService(
            new RunRecords(store),
            new RunPlanner(store),
            new JobPublisher(new Publisher(producer, new Topics("t."), new MessageCodec())),
            new ProgressBoard(new CoordinatorMetrics(new SimpleMeterRegistry())),
            () -> 1_000L);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new ApiRoutes(
            vertx,
            runs,
            new BearerAuth(TOKEN),
            new StoreRunEstimates(store, llm(), 0, PromptTexts.defaults()))
        .accept(router);
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

  private static ApiCommands.Submit submit(String... args) {
    ApiCommands.Submit submit = new ApiCommands.Submit();
    new CommandLine(submit).parseArgs(args);
    return submit;
  }

  private Env env() {
    return new Env(
        Map.of(
            "COORDINATOR_URL",
            "http://127.0.0.1:" + server.actualPort(),
            "COORDINATOR_API_TOKEN",
            TOKEN));
  }

  private static final String[] ARGS = {
    "--run-id", "dry", "--layers", "6", "--explainer", "token-activation-pair",
    "--simulator", "all-at-once", "--calibration", "none", "--llm-model", "gpt-x"
  };

  private RunEstimate local() throws Exception {
    RunSpec spec = JSON.treeToValue(submit(ARGS).body(), RunSpec.class);
    return DryRun.estimate(
        spec,
        PromptInputs.defaults(),
        store,
        llm(),
        0,
        new PrintStream(PrintStream.nullOutputStream()));
  }

  @Test
  void theEndpointAnswersTheDryRunsCountAndWritesNothing() throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + server.actualPort() + "/api/runs/estimate"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(submit(ARGS).body().toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    RunEstimate estimate = JSON.readValue(answer.body(), RunEstimate.class);
    RunEstimate local = local();
    assertThat(estimate).isEqualTo(local);
    assertThat(estimate.neurons()).isEqualTo(1);
    assertThat(estimate.simulationCalls()).isPositive();
    assertThat(estimate.costUsd()).isPositive();
    assertThat(store.list("runs/")).isEmpty();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void submitDryRunPrintsWhatRunDryRunPrints() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    RunSpec spec = JSON.treeToValue(submit(ARGS).body(), RunSpec.class);

    int code =
        submit(ARGS).dryRun(env(), home, new PrintStream(printed, true, StandardCharsets.UTF_8));
    DryRun.print(
        spec, "dry", local(), false, new PrintStream(expected, true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text).isEqualTo(expected.toString(StandardCharsets.UTF_8));
    assertThat(text)
        .startsWith("dry run of dry: 1 neuron, explainer token-activation-pair")
        .contains("price: $")
        .endsWith("nothing was sent and no run was started" + System.lineSeparator());
    assertThat(store.list("runs/")).isEmpty();
  }

  @Test
  void submitDryRunJsonPrintsTheEstimate() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String[] args = Arrays.copyOf(ARGS, ARGS.length + 2);
    args[ARGS.length] = "--dry-run";
    args[ARGS.length + 1] = "--json";

    submit(args).dryRun(env(), home, new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(JSON.readValue(printed.toString(StandardCharsets.UTF_8), RunEstimate.class))
        .isEqualTo(local());
  }

  @Test
  void aRunWithoutAnIdIsCalledANewRunAndARefusalIsTheApisMessage() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    submit("--layers", "6", "--explainer", "baseline", "--simulator", "baseline")
        .dryRun(env(), home, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .startsWith("dry run of a new run: 1 neuron, explainer baseline")
        .contains("price: $0.0000 sent one by one");

    assertThatThrownBy(
            () ->
                submit("--layers", "9")
                    .dryRun(env(), home, new PrintStream(PrintStream.nullOutputStream())))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("HTTP 400");
    assertThat(store.list("runs/")).isEmpty();
  }

  @Test
  void jsonWithoutDryRunIsRefusedBeforeAnyRequest() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err, true));

    assertThat(commandLine.execute("submit", "--json")).isEqualTo(2);
    assertThat(err.toString()).contains("--json goes with --dry-run");
  }
}
