package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.Reply.json;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.chatReply;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the client against a server that answers after a fixed delay: with enough calls
 * queued, a client that keeps its permits busy reaches about concurrency / delay calls per second.
 * Beside it, the same load through a bare JDK HttpClient shows what the machine and the scripted
 * server allow. Run with {@code mvn -pl common,worker -am test -Dtest=LlmClientBenchmark
 * -Dgroups=benchmark -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class LlmClientBenchmark {

  @Test
  void callsPerSecondAgainstConcurrencyAndDelay() throws Exception {
    // -Dbench.settings=CONCURRENCYxDELAY_MS,... picks other points.
    String spec = System.getProperty("bench.settings", "8x50,32x50,64x50,128x50,64x200,256x200");
    int[][] settings =
        Arrays.stream(spec.split(","))
            .map(p -> p.trim().split("x"))
            .map(p -> new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])})
            .toArray(int[][]::new);
    // Untimed: lets the JIT compile both paths, so neither pays for it in the table.
    try (ScriptedLlmServer server = new ScriptedLlmServer()) {
      server.otherwise(seen -> json(200, chatReply("ok", 100, 1)));
      throughClient(server, 32, 3000);
      throughRawJdkClient(server, 32, 3000);
    }
    System.out.printf(
        "%12s %9s %7s %10s %10s %8s %12s%n",
        "concurrency", "delay ms", "calls", "ideal/s", "client/s", "ratio", "raw JDK/s");
    for (int[] s : settings) {
      int concurrency = s[0];
      int delayMs = s[1];
      double ideal = concurrency * 1000.0 / delayMs;
      // About two seconds of work at the ideal rate.
      int calls = (int) Math.max(4 * concurrency, ideal * 2);
      try (ScriptedLlmServer server = new ScriptedLlmServer()) {
        server.otherwise(seen -> json(200, chatReply("ok", 100, 1)).after(delayMs));
        double client = throughClient(server, concurrency, calls);
        assertThat(server.maxInFlight()).isLessThanOrEqualTo(concurrency);
        double raw = throughRawJdkClient(server, concurrency, calls);
        System.out.printf(
            "%12d %9d %7d %10.1f %10.1f %8.2f %12.1f%n",
            concurrency, delayMs, calls, ideal, client, client / ideal, raw);
      }
    }
  }

  private static double throughClient(ScriptedLlmServer server, int concurrency, int calls)
      throws Exception {
    LlmConfig config =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL",
                server.root() + "/v1",
                "LLM_MODEL",
                "bench",
                "LLM_MAX_CONCURRENCY",
                Integer.toString(concurrency),
                "LLM_TIMEOUT_SECONDS",
                "30"));
    try (LlmClient client = LlmClient.builder(config).build()) {
      sendAll(client, concurrency); // warm-up: connections and JIT
      long start = System.nanoTime();
      sendAll(client, calls);
      return calls / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static void sendAll(LlmClient client, int calls) throws Exception {
    List<CompletableFuture<LlmResponse>> pending = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      pending.add(
          client.send(
              LlmRequest.chat(LlmClientTest.body(requestBody(i))).withCacheMode(CacheMode.OFF)));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
  }

  /** The same calls through a bare JDK client bounded by a blocking semaphore. */
  private static double throughRawJdkClient(ScriptedLlmServer server, int concurrency, int calls)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Semaphore permits = new Semaphore(concurrency);
    URI uri = URI.create(server.root() + "/v1/chat/completions");
    long start = 0;
    for (int round = 0; round < 2; round++) {
      int n = round == 0 ? concurrency : calls;
      start = System.nanoTime();
      List<CompletableFuture<?>> pending = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        permits.acquire();
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(requestBody(i)))
                .build();
        pending.add(
            http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .whenComplete((r, e) -> permits.release()));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }
    return calls / ((System.nanoTime() - start) / 1e9);
  }

  private static String requestBody(int i) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}";
  }
}
