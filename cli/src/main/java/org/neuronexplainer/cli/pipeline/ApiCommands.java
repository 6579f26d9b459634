package org.neuronexplainer.cli.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The coordinator's API from the command line: {@code submit}, {@code runs}, {@code status}, {@code
 * requeue}, {@code resume}, {@code cancel}. They print the API's JSON. The coordinator is {@code
 * COORDINATOR_URL} (default http://localhost:8080) with the token {@code COORDINATOR_API_TOKEN}, or
 * else the one {@code run} keeps in {@code ~/.neuron-explainer/api-token}.
 */
public final class ApiCommands {

  private static final ObjectMapper JSON =
      JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();

  private ApiCommands() {}

  static String request(String method, String path, Object body) throws Exception {
    return request(
        new Env(System.getenv()),
        Path.of(System.getProperty("user.home"), ".neuron-explainer"),
        method,
        path,
        body);
  }

  /**
   * Sends a request to the coordinator {@code env} names, with its token or the one kept in {@code
   * home}, and returns the answer's body.
   */
  static String request(Env env, Path home, String method, String path, Object body)
      throws Exception {
    URI base;
    String token;
    try {
      base = env.httpUrl("COORDINATOR_URL", "http://localhost:8080");
      token = token(env, home);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UserException("cannot reach the coordinator at " + base + ": " + e, 2);
    }
    if (response.statusCode() == 409
        || response.statusCode() == 404
        || response.statusCode() == 501) {
      // A conflict with the run's state ("run X already succeeded at ...; nothing to cancel"), an
      // unknown run or a coordinator that cannot estimate is said plainly: the API's message is
      // the whole story.
      throw new UserException(errorMessage(response.body()), 1);
    }
    if (response.statusCode() >= 300) {
      throw new UserException(
          method + " " + path + ": HTTP " + response.statusCode() + " " + response.body(), 1);
    }
    return response.body();
  }

  /**
   * The API token: {@code COORDINATOR_API_TOKEN} when set, else the one {@code run} keeps in {@code
   * home/api-token} (and names when it starts), so that its runs can be looked at and re-queued
   * from another terminal with no more setup.
   */
  static String token(Env env, Path home) {
    Optional<String> given = env.find("COORDINATOR_API_TOKEN");
    if (given.isPresent()) {
      return given.get();
    }
    Path file = home.resolve(RunViewer.TOKEN_FILE);
    if (!Files.exists(file)) {
      throw new UserException(
          "no API token: set COORDINATOR_API_TOKEN to the coordinator's token (a local `run`"
              + " keeps its token in "
              + file
              + ", which is read when it exists)",
          2);
    }
    String kept;
    try {
      kept = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (AccessDeniedException e) {
      throw new UserException("cannot read the API token in " + file + ": permission denied", 2);
    } catch (IOException e) {
      throw new UserException("cannot read the API token in " + file + ": " + e.getMessage(), 2);
    }
    if (kept.isEmpty()) {
      throw new UserException(
          "the API token file " + file + " is empty: set COORDINATOR_API_TOKEN instead", 2);
    }
    return kept;
  }

  /**
   * Refuses a malformed run id before any request, in the words the API uses: an id such as {@code
   * "a b"} would otherwise fail as a URL, naming the URL rather than the id.
   *
   * @param flag what names the id in the message: {@code "--run-id: "}, or empty for a RUN argument
   */
  static void checkRunId(String runId, String flag) {
    try {
      RunSpec.checkRunId(runId);
    } catch (IllegalArgumentException e) {
      throw new UserException(flag + e.getMessage(), 2);
    }
  }

  /** The {@code error} of the API's error body, or the body itself when it has none. */
  static String errorMessage(String body) {
    try {
      JsonNode error = JSON.readTree(body).get("error");
      return error != null && error.isTextual() ? error.asText() : body;
    } catch (IOException e) {
      return body;
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Submits a run.",
        "With --dry-run the coordinator counts the run's calls, tokens and price instead, as",
        "`run --dry-run` does over a local store, and nothing is started."
      })
  public static final class Submit implements Callable<Integer> {

    @Option(
        names = "--dry-run",
        description =
            "print the calls, prompt and completion tokens and the price (one by one and through"
                + " the batch API) the run would cost, counted by the coordinator over its store;"
                + " nothing is written or sent")
    boolean dryRun;

    @Option(names = "--json", description = "with --dry-run, print the estimate as one JSON object")
    boolean json;

    @Mixin RunSpecOptions runSpec;

    @Option(
        names = "--llm-model",
        paramLabel = "MODEL",
        description = "the model of LLM-backed backends (default: the workers' LLM_MODEL)")
    String llmModel;

    @Mixin CaptureOptions capture;

    /**
     * The request body: the {@link RunSpec} as JSON, without {@code runId} when none was given (the
     * coordinator names the run).
     */
    ObjectNode body() {
      return body(spec());
    }

    private ObjectNode body(RunSpec spec) {
      ObjectNode json = JSON.valueToTree(spec);
      if (runSpec.runId() == null) {
        json.remove("runId");
      }
      return json;
    }

    /** The run's spec, named {@code pending} when no run id was given. */
    private RunSpec spec() {
      CaptureRun captureRun = null;
      if (capture.given()) {
        if (capture.model == null || capture.corpus == null) {
          throw new UserException("a capture run needs both --model and --corpus", 2);
        }
        // As given: the coordinator and the capture workers resolve the model and the corpus.
        captureRun = capture.toCaptureAsGiven();
      }
      String id = runSpec.runId();
      return runSpec.spec(id == null ? "pending" : id, llmModel, captureRun);
    }

    @Override
    public Integer call() throws Exception {
      if (json && !dryRun) {
        throw new UserException("--json goes with --dry-run: a submit prints JSON anyway", 2);
      }
      if (dryRun) {
        return dryRun(
            new Env(System.getenv()),
            Path.of(System.getProperty("user.home"), ".neuron-explainer"),
            System.out);
      }
      System.out.println(request("POST", "/api/runs", body()));
      return 0;
    }

    /**
     * Asks the coordinator {@code env} names for the run's estimate and prints it to {@code out}.
     */
    int dryRun(Env env, Path home, PrintStream out) throws Exception {
      RunSpec spec = spec();
      RunEstimate estimate =
          JSON.readValue(
              request(env, home, "POST", "/api/runs/estimate", body(spec)), RunEstimate.class);
      DryRun.print(spec, runSpec.runId(), estimate, json, out);
      return 0;
    }
  }

  @Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists the runs.")
  public static final class Runs implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      System.out.println(request("GET", "/api/runs", null));
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Shows a run's progress, tokens, cost and failed neurons.",
        "Counts per state and stage, throughput, tokens, cost, ETA, and the failed neurons with"
            + " their reasons (the first "
            + Status.FAILURES_SHOWN
            + "; --neurons failed lists all)."
      })
  public static final class Status implements Callable<Integer> {

    /** Failed neurons added to a run's status; {@code --neurons failed} lists them all. */
    static final int FAILURES_SHOWN = 20;

    @Parameters(paramLabel = "RUN", description = "The run's id, as `runs` lists it.")
    String runId;

    @Option(names = "--neurons", description = "list the neurons in this state (e.g. failed)")
    String state;

    @Override
    public Integer call() throws Exception {
      checkRunId(runId, "");
      if (state != null) {
        String query = URLEncoder.encode(state, StandardCharsets.UTF_8);
        System.out.println(request("GET", "/api/runs/" + runId + "/neurons?state=" + query, null));
        return 0;
      }
      String run = request("GET", "/api/runs/" + runId, null);
      JsonNode failed = JSON.readTree(run).at("/progress/states/failed");
      String neurons =
          failed.asInt() > 0
              ? request("GET", "/api/runs/" + runId + "/neurons?state=failed", null)
              : null;
      System.out.println(withFailures(run, neurons));
      return 0;
    }

    /**
     * The run's JSON with {@code failures} added when {@code neurons} (the API's list of failed
     * neurons) has any: their {@code count}, the first {@link #FAILURES_SHOWN} as {@code neurons}
     * (neuron, stage, attempt, reason) and the store key of the run's failures file as {@code
     * file}.
     */
    static String withFailures(String run, String neurons) throws IOException {
      ObjectNode view = (ObjectNode) JSON.readTree(run);
      JsonNode failed = neurons == null ? null : JSON.readTree(neurons);
      if (failed == null || !failed.isArray() || failed.isEmpty()) {
        return run;
      }
      ObjectNode failures = view.putObject("failures");
      failures.put("count", failed.size());
      ArrayNode shown = failures.putArray("neurons");
      for (int i = 0; i < Math.min(FAILURES_SHOWN, failed.size()); i++) {
        ObjectNode n = shown.addObject();
        for (String field : List.of("neuron", "stage", "attempt", "reason")) {
          if (failed.get(i).has(field)) {
            n.set(field, failed.get(i).get(field));
          }
        }
      }
      failures.put("file", RunRecords.failuresKey(view.path("runId").asText()));
      return JSON.writeValueAsString(view);
    }
  }

  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      description = "Re-queues a run's failed neurons, or the given ones (layer:index).")
  public static final class Requeue implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run's id, as `runs` lists it.")
    String runId;

    @Option(names = "--neurons", split = ",", description = "e.g. 3:17,3:18")
    List<String> neurons = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      checkRunId(runId, "");
      System.out.println(
          request("POST", "/api/runs/" + runId + "/requeue", Map.of("neurons", neurons)));
      return 0;
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = {
        "Resumes a stopped run (interrupted, cancelled, failed, paused).",
        "It runs with its own spec.",
        "--budget USD gives it a new budget: a run paused by its budget needs a higher one.",
        "Only what has no result is done again: the neurons without the run's done marker (and a"
            + " capture run's units without their output). A running or succeeded run is refused."
            + " `run --resume RUN` does the same on this machine, with a broker of its own."
      })
  public static final class Resume implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run's id, as `runs` lists it.")
    String runId;

    @Option(
        names = "--budget",
        paramLabel = "USD",
        description = "a new budget for the run, in US dollars (default: the one it had)")
    String budget;

    @Override
    public Integer call() throws Exception {
      checkRunId(runId, "");
      Double usd = RunSpecOptions.parseBudget(budget);
      System.out.println(
          request(
              "POST",
              "/api/runs/" + runId + "/resume",
              usd == null ? Map.of() : Map.of("budgetUsd", usd)));
      return 0;
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancels a running run; a finished one is refused and left as it is.")
  public static final class Cancel implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run's id, as `runs` lists it.")
    String runId;

    @Override
    public Integer call() throws Exception {
      checkRunId(runId, "");
      System.out.println(request("POST", "/api/runs/" + runId + "/cancel", Map.of()));
      return 0;
    }
  }
}
