package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The Files and Batches endpoints of an OpenAI-compatible API on loopback, for tests: uploads
 * ({@code POST /v1/files}), batch creation and status ({@code POST /v1/batches}, {@code GET
 * /v1/batches/{id}}) and file contents ({@code GET /v1/files/{id}/content}). A batch is answered
 * line by line by {@link #answers}; lines {@link #rejecting} matches go to the error file with a
 * 400. Each batch follows the next scripted {@link Plan} (by default it completes on its first
 * poll); while {@link #hold} is on, batches stay in progress. Shared with other modules' tests
 * through the worker's test jar.
 */
public final class ScriptedBatchServer implements AutoCloseable {

  /**
   * What one batch does: its final state and how many of its lines (in file order) are answered; -1
   * for all of them.
   */
  public record Plan(String state, int answered) {
    public static Plan complete() {
      return new Plan("completed", -1);
    }

    public static Plan expireAfter(int answered) {
      return new Plan("expired", answered);
    }

    public static Plan failWhole() {
      return new Plan("failed", 0);
    }
  }

  /** A batch as the server holds it. */
  public record Batch(String id, String endpoint, List<JsonNode> lines) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, Batch> batches = new LinkedHashMap<>();
  private final Map<String, ObjectNode> states = new LinkedHashMap<>();
  private final Deque<Plan> plans = new ArrayDeque<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final List<String> seen = new ArrayList<>();
  private final List<JsonNode> answeredBodies = new ArrayList<>();
  private final List<String> answeredIds = new ArrayList<>();
  private volatile Function<JsonNode, String> answers =
      line -> ScriptedLlmServer.chatReply("answer", 10, 2);
  private volatile Predicate<JsonNode> rejecting = body -> false;
  private volatile boolean hold;

  public ScriptedBatchServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The server's root, e.g. {@code http://127.0.0.1:PORT}; the API is under {@code /v1}. */
  public String root() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The answer (a response body) to each line of an input file (its {@code url} and {@code body}).
   */
  public ScriptedBatchServer answers(Function<JsonNode, String> answer) {
    this.answers = answer;
    return this;
  }

  /** Answers each line as {@code model} would answer its request sent synchronously. */
  public ScriptedBatchServer answeredBy(
      Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> model) {
    return answers(
        line ->
            model
                .apply(
                    new ScriptedLlmServer.Seen(
                        "POST",
                        line.path("url").asText(),
                        new com.sun.net.httpserver.Headers(),
                        line.path("body").toString(),
                        System.nanoTime()))
                .body());
  }

  /**
   * The {@code custom_id} of every answered line, in order: a call answered twice is in it twice.
   */
  public synchronized List<String> answeredIds() {
    return List.copyOf(answeredIds);
  }

  /** Every answer the batches gave, in order. */
  public synchronized List<JsonNode> answered() {
    return List.copyOf(answeredBodies);
  }

  /** Request bodies the provider rejects, each in the error file. */
  public ScriptedBatchServer rejecting(Predicate<JsonNode> rejected) {
    this.rejecting = rejected;
    return this;
  }

  /** Plans for the next batches created, in order. */
  public synchronized ScriptedBatchServer then(Plan... next) {
    plans.addAll(List.of(next));
    return this;
  }

  /** While on, every batch stays in progress. */
  public ScriptedBatchServer hold(boolean on) {
    this.hold = on;
    return this;
  }

  public synchronized List<Batch> batches() {
    return List.copyOf(batches.values());
  }

  /** Every request as {@code METHOD path}. */
  public synchronized List<String> requests() {
    return List.copyOf(seen);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      synchronized (this) {
        seen.add(method + " " + path);
      }
      if (method.equals("POST") && path.equals("/v1/files")) {
        reply(exchange, 200, upload(body));
      } else if (method.equals("POST") && path.equals("/v1/batches")) {
        reply(exchange, 200, create(mapper.readTree(body)));
      } else if (method.equals("GET") && path.startsWith("/v1/batches/")) {
        String state = poll(path.substring("/v1/batches/".length()));
        reply(exchange, state == null ? 404 : 200, state == null ? "{}" : state);
      } else if (method.equals("GET")
          && path.startsWith("/v1/files/")
          && path.endsWith("/content")) {
        byte[] file;
        synchronized (this) {
          file = files.get(path.substring("/v1/files/".length(), path.length() - 8));
        }
        if (file == null) {
          reply(exchange, 404, "{\"error\":{\"message\":\"no such file\"}}");
        } else {
          exchange.sendResponseHeaders(200, file.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(file);
          }
        }
      } else {
        reply(exchange, 404, "{\"error\":{\"message\":\"not scripted\"}}");
      }
    }
  }

  private synchronized String upload(byte[] multipart) {
    String text = new String(multipart, StandardCharsets.UTF_8);
    if (!text.contains("name=\"purpose\"\r\n\r\nbatch\r\n")) {
      throw new IllegalStateException("an upload without purpose batch");
    }
    StringBuilder jsonl = new StringBuilder();
    for (String line : text.split("\r?\n")) {
      if (line.startsWith("{")) {
        jsonl.append(line).append('\n');
      }
    }
    String id = "file-in-" + ids.incrementAndGet();
    files.put(id, jsonl.toString().getBytes(StandardCharsets.UTF_8));
    return "{\"id\":\"" + id + "\",\"object\":\"file\",\"purpose\":\"batch\"}";
  }

  private synchronized String create(JsonNode request) throws IOException {
    byte[] input = files.get(request.path("input_file_id").asText());
    if (input == null || !request.path("completion_window").asText().equals("24h")) {
      throw new IllegalStateException("a batch without a known file or a 24h window");
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        JsonNode node = mapper.readTree(line);
        if (!node.path("url").asText().equals(request.path("endpoint").asText())) {
          throw new IllegalStateException("a line for another endpoint than the batch's");
        }
        lines.add(node);
      }
    }
    String id = "batch_" + ids.incrementAndGet();
    batches.put(id, new Batch(id, request.path("endpoint").asText(), List.copyOf(lines)));
    ObjectNode state = mapper.createObjectNode();
    state.put("id", id);
    state.put("object", "batch");
    state.put("status", "validating");
    states.put(id, state);
    return state.toString();
  }

  private synchronized String poll(String id) {
    ObjectNode state = states.get(id);
    if (state == null) {
      return null;
    }
    if (state.path("status").asText().equals("validating") || !hold && !finalState(state)) {
      if (hold) {
        state.put("status", "in_progress");
      } else {
        finish(id, state, plans.isEmpty() ? Plan.complete() : plans.removeFirst());
      }
    }
    return state.toString();
  }

  private static boolean finalState(ObjectNode state) {
    return BatchRecord.isFinal(state.path("status").asText());
  }

  private void finish(String id, ObjectNode state, Plan plan) {
    StringBuilder output = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    int answered = 0;
    for (JsonNode line : batches.get(id).lines()) {
      if (plan.answered() >= 0 && answered >= plan.answered()) {
        break;
      }
      answered++;
      ObjectNode result = mapper.createObjectNode();
      result.put("id", "batch_req_" + ids.incrementAndGet());
      result.put("custom_id", line.path("custom_id").asText());
      ObjectNode response = result.putObject("response");
      if (rejecting.test(line.path("body"))) {
        response.put("status_code", 400);
        response.set(
            "body", json("{\"error\":{\"message\":\"scripted rejection\",\"code\":\"bad\"}}"));
        result.putNull("error");
        errors.append(result).append('\n');
      } else {
        response.put("status_code", 200);
        JsonNode answer = json(answers.apply(line));
        answeredBodies.add(answer);
        answeredIds.add(line.path("custom_id").asText());
        response.set("body", answer);
        result.putNull("error");
        output.append(result).append('\n');
      }
    }
    state.put("status", plan.state());
    if (output.length() > 0) {
      String file = "file-out-" + ids.incrementAndGet();
      files.put(file, output.toString().getBytes(StandardCharsets.UTF_8));
      state.put("output_file_id", file);
    }
    if (errors.length() > 0) {
      String file = "file-err-" + ids.incrementAndGet();
      files.put(file, errors.toString().getBytes(StandardCharsets.UTF_8));
      state.put("error_file_id", file);
    }
  }

  private JsonNode json(String text) {
    try {
      return mapper.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
