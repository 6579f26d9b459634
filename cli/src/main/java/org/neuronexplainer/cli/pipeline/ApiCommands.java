package org.neuronexplainer.cli.pipeline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The coordinator's API from the command line: {@code submit}, {@code runs}, {@code status}, {@code
 * requeue}, {@code cancel}. They print the API's JSON. The coordinator is {@code COORDINATOR_URL}
 * (default http://localhost:8080) with the token {@code COORDINATOR_API_TOKEN}.
 */
public final class ApiCommands {

  private ApiCommands() {}

  static String request(String method, String path, String body) throws Exception {
    String base = System.getenv().getOrDefault("COORDINATOR_URL", "http://localhost:8080");
    String token = System.getenv("COORDINATOR_API_TOKEN");
    if (token == null || token.isBlank()) {
      throw new UserException("set COORDINATOR_API_TOKEN to the coordinator's API token", 2);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + token.trim())
            .header("Content-Type", "application/json")
            .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new UserException("cannot reach the coordinator at " + base + ": " + e, 2);
    }
    if (response.statusCode() >= 300) {
      throw new UserException(
          method + " " + path + ": HTTP " + response.statusCode() + " " + response.body(), 1);
    }
    return response.body();
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submits a run.")
  public static final class Submit implements Callable<Integer> {
    @Option(names = "--run-id")
    String runId;

    @Option(names = "--layers")
    String layers;

    @Option(names = "--neurons")
    String neurons;

    @Option(names = "--explainer", defaultValue = "baseline")
    String explainer;

    @Option(names = "--simulator", defaultValue = "baseline")
    String simulator;

    @Option(names = "--calibration", defaultValue = "linear")
    String calibration;

    @Option(names = "--llm-model")
    String llmModel;

    @Option(names = "--max-attempts", defaultValue = "3")
    int maxAttempts;

    @picocli.CommandLine.Mixin CaptureOptions capture;

    @Override
    public Integer call() throws Exception {
      if (capture.given()) {
        if (capture.model == null || capture.corpus == null) {
          throw new UserException("a capture run needs both --model and --corpus", 2);
        }
        // As given: the coordinator and the capture workers resolve the model and the corpus.
        org.neuronexplainer.common.run.RunSpec spec;
        try {
          spec =
              new org.neuronexplainer.common.run.RunSpec(
                  runId == null ? "pending" : runId,
                  "capture",
                  layers,
                  neurons,
                  explainer,
                  simulator,
                  calibration,
                  llmModel,
                  maxAttempts,
                  capture.toCaptureAsGiven());
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage(), 2);
        }
        com.fasterxml.jackson.databind.node.ObjectNode json =
            new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(spec);
        if (runId == null) {
          json.remove("runId");
        }
        System.out.println(request("POST", "/api/runs", json.toString()));
        return 0;
      }
      String body =
          "{\"runId\":"
              + quote(runId)
              + ",\"source\":\"store\",\"layers\":"
              + quote(layers)
              + ",\"neurons\":"
              + quote(neurons)
              + ",\"explainer\":"
              + quote(explainer)
              + ",\"simulator\":"
              + quote(simulator)
              + ",\"calibration\":"
              + quote(calibration)
              + ",\"llmModel\":"
              + quote(llmModel)
              + ",\"maxAttempts\":"
              + maxAttempts
              + "}";
      System.out.println(request("POST", "/api/runs", body));
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
      description = "Shows a run: counts per state and stage, throughput, tokens, cost, ETA.")
  public static final class Status implements Callable<Integer> {
    @Parameters(paramLabel = "RUN")
    String runId;

    @Option(names = "--neurons", description = "list the neurons in this state (e.g. failed)")
    String state;

    @Override
    public Integer call() throws Exception {
      String path = "/api/runs/" + runId + (state == null ? "" : "/neurons?state=" + state);
      System.out.println(request("GET", path, null));
      return 0;
    }
  }

  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      description = "Re-queues a run's failed neurons, or the given ones (layer:index).")
  public static final class Requeue implements Callable<Integer> {
    @Parameters(paramLabel = "RUN")
    String runId;

    @Option(names = "--neurons", split = ",", description = "e.g. 3:17,3:18")
    List<String> neurons = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      List<String> quoted = neurons.stream().map(ApiCommands::quote).toList();
      String body = "{\"neurons\":[" + String.join(",", quoted) + "]}";
      System.out.println(request("POST", "/api/runs/" + runId + "/requeue", body));
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a run.")
  public static final class Cancel implements Callable<Integer> {
    @Parameters(paramLabel = "RUN")
    String runId;

    @Override
    public Integer call() throws Exception {
      System.out.println(request("POST", "/api/runs/" + runId + "/cancel", "{}"));
      return 0;
    }
  }
}
