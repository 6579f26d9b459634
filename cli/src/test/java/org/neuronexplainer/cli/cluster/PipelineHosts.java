package org.neuronexplainer.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neuronexplainer.cli.Main;

/**
 * The coordinator and the workers of one test, each a JVM process on its own network host, started
 * with the test's classpath inside the host's namespace. All share one store directory (the
 * filesystem plays the shared volume). The coordinator's API is reached over the bridge.
 */
public final class PipelineHosts implements AutoCloseable {

  public static final String COORDINATOR = "coordinator";
  private static final int API_PORT = 8080;
  private static final String TOKEN = "cluster-fault-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final NetworkHosts network;
  private final Path dir;
  private final Map<String, String> env;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param dir the test's folder: the store is {@code store/}, each process logs to {@code
   *     NAME.log}
   * @param env what every process gets (Kafka settings, topic prefix); the store, the API and the
   *     ports are added here
   */
  public PipelineHosts(NetworkHosts network, Path dir, Map<String, String> env) {
    this.network = network;
    this.dir = dir;
    this.env = new HashMap<>(env);
    this.env.put("STORE_DIR", store().toString());
    this.env.put("COORDINATOR_API_TOKEN", TOKEN);
    this.env.put("COORDINATOR_HOST", "0.0.0.0");
    this.env.put("COORDINATOR_PORT", Integer.toString(API_PORT));
    this.env.put("COORDINATOR_VIEWER", "false");
    this.env.put("METRICS_HOST", "0.0.0.0");
    this.env.put("METRICS_PORT", "0");
  }

  public Path store() {
    return dir.resolve("store");
  }

  /** Where the worker on host {@code name} records its writes of results. */
  public Path audit(String name) {
    return dir.resolve(name + ".audit");
  }

  /** Starts the {@code coordinator} command on the coordinator's host. */
  public Process startCoordinator() throws IOException {
    return start(COORDINATOR, List.of(Main.class.getName(), "coordinator"));
  }

  /**
   * Starts a worker on host {@code name}, its results' writes audited and each held back by {@code
   * pace} (a job that takes longer).
   */
  public Process startWorker(String name, Duration pace) throws IOException {
    return start(
        name, List.of(AUDITED_WORKER, audit(name).toString(), Long.toString(pace.toMillis())));
  }

  // The worker main of the cli's pipeline tests, whose store counts every write of a result.
  private static final String AUDITED_WORKER = "org.neuronexplainer.cli.pipeline.AuditedWorkerMain";

  private Process start(String name, List<String> main) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            // Each line of a host's log with its time, to line it up with the faults and the
            // others.
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Duser.home=" + dir.resolve("home"),
            "-cp",
            System.getProperty("java.class.path")));
    command.addAll(main);
    ProcessBuilder builder = new ProcessBuilder(network.inside(name, command));
    builder.environment().keySet().removeIf(v -> v.startsWith("LLM_") || v.startsWith("KAFKA_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
    Process process = builder.start();
    process.getOutputStream().close();
    processes.put(name, process);
    return process;
  }

  /** Kills (SIGKILL) or stops (SIGTERM, a worker hands its jobs back) the process of a host. */
  public void stop(String name, boolean kill) throws InterruptedException {
    Process p = processes.remove(name);
    if (p != null) {
      if (kill) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** What the process of host {@code name} logged. */
  public String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Every process's log, for a failure message. */
  public String logs() {
    StringBuilder all = new StringBuilder();
    for (String name : processes.keySet()) {
      String log = log(name);
      all.append("\n--- ")
          .append(name)
          .append(":\n")
          .append(log.substring(Math.max(0, log.length() - 4000)));
    }
    return all.toString();
  }

  /** Submits a run through the API; the coordinator must be reachable. */
  public JsonNode submit(String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            request("/api/runs").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new IOException("submit answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The run's view, or null while the coordinator does not answer (cut off, starting). */
  public JsonNode view(String runId) {
    try {
      HttpResponse<String> response =
          http.send(
              request("/api/runs/" + runId).GET().build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Whether the coordinator answers {@code /readyz}. */
  public boolean coordinatorReady() {
    try {
      HttpRequest ready =
          HttpRequest.newBuilder(URI.create(base() + "/readyz"))
              .timeout(Duration.ofSeconds(2))
              .GET()
              .build();
      return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String base() {
    return "http://" + network.host(COORDINATOR).address() + ":" + API_PORT;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json");
  }

  /** Kills every process still running (their hosts' namespaces can then go). */
  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
