package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.Reply.json;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.chatReply;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LlmClientTest {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private ScriptedLlmServer server;
  private final List<LlmClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer();
  }

  @AfterEach
  void stop() {
    clients.forEach(LlmClient::close);
    server.close();
  }

  Map<String, String> env(String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("LLM_BASE_URL", server.root() + "/v1");
    env.put("LLM_API_KEY", "sk-test");
    env.put("LLM_MODEL", "gpt-test");
    env.put("LLM_TIMEOUT_SECONDS", "2");
    env.put("LLM_MAX_ATTEMPTS", "4");
    env.put("LLM_RETRY_INITIAL_MS", "5");
    env.put("LLM_RETRY_MAX_MS", "20");
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return env;
  }

  LlmClient client(String... overrides) {
    LlmClient client = LlmClient.builder(LlmConfig.fromEnv(env(overrides))).build();
    clients.add(client);
    return client;
  }

  static ObjectNode body(String json) throws Exception {
    return (ObjectNode) MAPPER.readTree(json);
  }

  static LlmRequest chat(String content) throws Exception {
    return LlmRequest.chat(
        body(
            "{\"messages\":[{\"role\":\"user\",\"content\":\""
                + content
                + "\"}],\"max_tokens\":5}"));
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected the call to fail, got " + e);
    }
    throw new AssertionError("expected the call to fail, but it succeeded");
  }

  @Test
  void chatSendsTheExactBodyAndHeaders() throws Exception {
    server.then(json(200, chatReply("hello", 12, 3)));
    LlmClient client = client("LLM_EXTRA_HEADERS", "OpenAI-Organization=org-1,X-Trace=abc");

    LlmResponse response = await(client.send(chat("Say hi")));

    ScriptedLlmServer.Seen seen = server.requests().get(0);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.pathAndQuery()).isEqualTo("/v1/chat/completions");
    assertThat(seen.body())
        .isEqualTo(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":5,\"model\":\"gpt-test\"}");
    assertThat(seen.header("Authorization")).isEqualTo("Bearer sk-test");
    assertThat(seen.header("Content-Type")).isEqualTo("application/json");
    assertThat(seen.header("Accept")).isEqualTo("application/json");
    assertThat(seen.header("OpenAI-Organization")).isEqualTo("org-1");
    assertThat(seen.header("X-Trace")).isEqualTo("abc");
    assertThat(seen.header("api-key")).isNull();
    assertThat(response.texts()).containsExactly("hello");
    assertThat(response.usage()).isEqualTo(new TokenUsage(12, 3, 0));
    assertThat(response.attempts()).isEqualTo(1);
    assertThat(response.fromCache()).isFalse();
  }

  @Test
  void completionsGoToTheirEndpointAndKeepABodyModel() throws Exception {
    server.then(
        json(
            200,
            "{\"choices\":[{\"text\":\" 7\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":0}}"));
    LlmClient client = client("LLM_API_KEY", "");

    LlmResponse response =
        await(
            client.send(
                LlmRequest.completions(
                    body(
                        "{\"model\":\"other-model\",\"prompt\":\"a b\",\"max_tokens\":0,\"echo\":true,\"logprobs\":5}"))));

    ScriptedLlmServer.Seen seen = server.requests().get(0);
    assertThat(seen.pathAndQuery()).isEqualTo("/v1/completions");
    assertThat(seen.body())
        .isEqualTo(
            "{\"model\":\"other-model\",\"prompt\":\"a b\",\"max_tokens\":0,\"echo\":true,\"logprobs\":5}");
    assertThat(seen.header("Authorization")).isNull();
    assertThat(response.texts()).containsExactly(" 7");
    assertThat(response.model()).isEqualTo("other-model");
  }

  @Test
  void azureUsesTheDeploymentUrlAndApiKeyHeader() throws Exception {
    server.then(json(200, chatReply("hi", 1, 1)));
    LlmClient client =
        client(
            "LLM_BASE_URL", server.root() + "/",
            "LLM_API_FLAVOR", "azure",
            "LLM_API_KEY", "azure-secret",
            "LLM_AZURE_DEPLOYMENT", "my-gpt4o",
            "LLM_AZURE_API_VERSION", "2024-10-21");

    await(client.send(chat("x")));
    await(
        client.send(
            LlmRequest.completions(body("{\"prompt\":\"p\",\"max_tokens\":1}"))
                .withCacheMode(CacheMode.OFF)));

    List<ScriptedLlmServer.Seen> seen = server.requests();
    assertThat(seen.get(0).pathAndQuery())
        .isEqualTo("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21");
    assertThat(seen.get(1).pathAndQuery())
        .isEqualTo("/openai/deployments/my-gpt4o/completions?api-version=2024-10-21");
    assertThat(seen.get(0).header("api-key")).isEqualTo("azure-secret");
    assertThat(seen.get(0).header("Authorization")).isNull();
    assertThat(seen.get(0).body())
        .isEqualTo(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"model\":\"gpt-test\"}");
  }

  @Test
  void retryAfterInSecondsIsRespectedOn429() throws Exception {
    server.then(
        json(429, "{\"error\":{\"message\":\"slow down\"}}").header("Retry-After", "0.15"),
        json(200, chatReply("ok", 1, 1)));
    LlmClient client = client();

    LlmResponse response = await(client.send(chat("x")));

    List<ScriptedLlmServer.Seen> seen = server.requests();
    assertThat(seen).hasSize(2);
    assertThat(Duration.ofNanos(seen.get(1).atNanos() - seen.get(0).atNanos()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
    assertThat(response.attempts()).isEqualTo(2);
  }

  @Test
  void retryAfterMsPausesEveryCallNotOnlyTheOneThatGotIt() throws Exception {
    server.then(json(429, "{}").header("retry-after-ms", "120"));
    LlmClient client = client("LLM_MAX_CONCURRENCY", "1");

    CompletableFuture<LlmResponse> first = client.send(chat("one"));
    // Queued behind the first for the one permit, it gets it only after the 429 has paused all.
    CompletableFuture<LlmResponse> second = client.send(chat("two"));
    await(first);
    await(second);

    List<ScriptedLlmServer.Seen> seen = server.requests();
    assertThat(seen).hasSize(3);
    for (ScriptedLlmServer.Seen later : seen.subList(1, 3)) {
      assertThat(Duration.ofNanos(later.atNanos() - seen.get(0).atNanos()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(120));
    }
  }

  @Test
  void serverErrorsAreRetriedThenSucceed() throws Exception {
    server.then(
        json(500, "{\"error\":\"boom\"}"),
        json(502, "bad gateway"),
        json(200, chatReply("fine", 1, 1)));

    LlmResponse response = await(client().send(chat("x")));

    assertThat(server.requests()).hasSize(3);
    assertThat(response.attempts()).isEqualTo(3);
    assertThat(response.texts()).containsExactly("fine");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 422})
  void clientErrorsAreNotRetried(int status) throws Exception {
    server.then(json(status, "{\"error\":{\"message\":\"bad request " + status + "\"}}"));

    Throwable failure = failureOf(client().send(chat("x")));

    assertThat(server.requests()).hasSize(1);
    assertThat(failure).isInstanceOf(PermanentLlmException.class);
    PermanentLlmException permanent = (PermanentLlmException) failure;
    assertThat(permanent.status()).isEqualTo(status);
    assertThat(permanent.body()).contains("bad request " + status);
    assertThat(permanent.attempts()).isEqualTo(1);
    assertThat(permanent.attemptsExhausted()).isFalse();
    assertThat(permanent.getMessage()).contains("HTTP " + status).contains("bad request " + status);
  }

  @Test
  void aTimeoutIsRetried() throws Exception {
    // The timeout leaves the prompt reply a second, however busy the machine; the late one comes
    // long after it.
    server.then(
        json(200, chatReply("late", 1, 1)).after(20_000), json(200, chatReply("on time", 1, 1)));

    LlmResponse response = await(client("LLM_TIMEOUT_SECONDS", "1").send(chat("x")));

    assertThat(response.texts()).containsExactly("on time");
    assertThat(response.attempts()).isEqualTo(2);
  }

  @Test
  void aBodyThatStallsAfterTheHeadersTimesOutAndIsRetried() throws Exception {
    server.then(
        json(200, chatReply("stalled", 1, 1)).stallingBody(20_000),
        json(200, chatReply("flowing", 1, 1)));

    long start = System.nanoTime();
    LlmResponse response = await(client("LLM_TIMEOUT_SECONDS", "1").send(chat("x")));

    assertThat(response.texts()).containsExactly("flowing");
    assertThat(response.attempts()).isEqualTo(2);
    // Cut short: the stalled body would have taken 20 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aTimeoutOnEveryAttemptFailsWithoutAStatus() throws Exception {
    server.otherwise(s -> json(200, chatReply("late", 1, 1)).after(300));

    Throwable failure =
        failureOf(client("LLM_TIMEOUT_SECONDS", "0.05", "LLM_MAX_ATTEMPTS", "2").send(chat("x")));

    assertThat(failure).isInstanceOf(PermanentLlmException.class).hasMessageContaining("timed out");
    assertThat(((PermanentLlmException) failure).status()).isZero();
    assertThat(((PermanentLlmException) failure).attemptsExhausted()).isTrue();
  }

  @Test
  void aResponseThatIsNotJsonIsNotSentAgainByTheTransport() throws Exception {
    server.otherwise(s -> json(200, "<html>not json</html>"));

    Throwable failure = failureOf(client("LLM_MAX_ATTEMPTS", "8").send(chat("x")));

    // The server answered: asking again is for the parse retries, not for the HTTP attempts.
    assertThat(server.requests()).hasSize(1);
    assertThat(failure)
        .isInstanceOf(PermanentLlmException.class)
        .hasMessageContaining("not a JSON object")
        .hasMessageContaining("<html>not json</html>");
    PermanentLlmException permanent = (PermanentLlmException) failure;
    assertThat(permanent.status()).isEqualTo(200);
    assertThat(permanent.unparseable()).isTrue();
    assertThat(permanent.attemptsExhausted()).isFalse();
  }

  @Test
  void infiniteLogprobsWrittenAsPythonWritesThemAreRead() throws Exception {
    server.then(
        json(
            200,
            "{\"choices\":[{\"text\":\"4\",\"logprobs\":{\"top_logprobs\":[{\"4\":-0.1,\"5\":-Infinity}]}}]}"));

    LlmResponse response =
        await(
            client()
                .send(
                    LlmRequest.completions(
                        body("{\"prompt\":\"a\",\"max_tokens\":1,\"logprobs\":5}"))));

    assertThat(response.body().at("/choices/0/logprobs/top_logprobs/0/5").doubleValue())
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void jsonWithTrailingGarbageIsMalformedToo() throws Exception {
    server.then(json(200, chatReply("a", 1, 1) + "}{"), json(200, chatReply("b", 1, 1)));

    Throwable failure = failureOf(client().send(chat("x")));

    assertThat(server.requests()).hasSize(1);
    assertThat(((PermanentLlmException) failure).unparseable()).isTrue();
  }

  @Test
  void aTruncatedResponseIsRetried() throws Exception {
    server.then(json(200, chatReply("cut", 1, 1)).truncated(), json(200, chatReply("whole", 1, 1)));

    LlmResponse response = await(client().send(chat("x")));

    assertThat(response.texts()).containsExactly("whole");
    assertThat(response.attempts()).isEqualTo(2);
  }

  @Test
  void exhaustedAttemptsFailPermanentlyWithTheLastStatusAndBody() throws Exception {
    server.then(
        json(500, "first"),
        json(503, "second"),
        json(500, "third"),
        json(503, "{\"error\":\"last\"}"));

    Throwable failure = failureOf(client().send(chat("x")));

    assertThat(server.requests()).hasSize(4);
    assertThat(failure).isInstanceOf(PermanentLlmException.class);
    PermanentLlmException permanent = (PermanentLlmException) failure;
    assertThat(permanent.status()).isEqualTo(503);
    assertThat(permanent.body()).isEqualTo("{\"error\":\"last\"}");
    assertThat(permanent.attempts()).isEqualTo(4);
    assertThat(permanent.attemptsExhausted()).isTrue();
    assertThat(permanent.getCause()).isInstanceOf(RetryableLlmException.class);
    assertThat(permanent.getMessage()).contains("gave up after 4 attempts").contains("HTTP 503");
  }

  @Test
  void theConcurrencyLimitIsNeverExceeded() throws Exception {
    server.otherwise(s -> json(200, chatReply("ok", 1, 1)).after(30));
    LlmClient client = client("LLM_MAX_CONCURRENCY", "3");

    List<CompletableFuture<LlmResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(client.send(chat("call " + i)));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(server.requests()).hasSize(20);
    assertThat(server.maxInFlight()).isEqualTo(3);
    assertThat(client.inFlight()).isZero();
  }

  @Test
  void aRequestWithoutAnyModelIsRejectedBeforeSending() throws Exception {
    Throwable failure = failureOf(client("LLM_MODEL", "").send(chat("x")));

    assertThat(failure)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LLM_MODEL");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void theRequestsPerMinuteBudgetPacesCalls() throws Exception {
    LlmClient client = client("LLM_REQUESTS_PER_MINUTE", "600"); // 10 a second, a burst of 10

    long start = System.nanoTime();
    List<CompletableFuture<LlmResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      calls.add(client.send(chat("paced " + i)));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    long last =
        server.requests().stream().mapToLong(ScriptedLlmServer.Seen::atNanos).max().orElseThrow();
    // Five calls beyond the burst, 100 ms apart: the last may not leave before 500 ms. (Measured
    // from the first send, since the server may see the first calls late on a busy machine.)
    assertThat(Duration.ofNanos(last - start)).isGreaterThanOrEqualTo(Duration.ofMillis(490));
  }

  @Test
  void streamingIsRefusedBeforeSending() throws Exception {
    Throwable failure =
        failureOf(client().send(LlmRequest.chat(body("{\"messages\":[],\"stream\":true}"))));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void connectionErrorsAreRetriedAndManyQueuedFailuresStayShallow() throws Exception {
    String deadRoot = server.root();
    server.close(); // nothing listens on that port any more
    LlmClient client =
        client(
            "LLM_BASE_URL", deadRoot + "/v1", "LLM_MAX_CONCURRENCY", "1", "LLM_MAX_ATTEMPTS", "2");

    List<CompletableFuture<LlmResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(client.send(chat("refused " + i).withCacheMode(CacheMode.OFF)));
    }

    for (CompletableFuture<LlmResponse> call : calls) {
      Throwable failure = failureOf(call);
      assertThat(failure).isInstanceOf(PermanentLlmException.class);
      assertThat(((PermanentLlmException) failure).attempts()).isEqualTo(2);
      assertThat(((PermanentLlmException) failure).attemptsExhausted()).isTrue();
      assertThat(((PermanentLlmException) failure).status()).isZero();
    }
    assertThat(client.usage().snapshot().failures()).isEqualTo(300);
    assertThat(client.usage().snapshot().httpAttempts()).isEqualTo(600);
  }

  @Test
  void theTokenBudgetIsSettledWithTheReportedUsage() throws Exception {
    // 10,000 tokens a second, a burst of 10,000. Each call reserves its max_tokens of 9,900;
    // the server reports 12 tokens used, so settling returns the rest and the next call need
    // not wait the 1 s that the estimate alone would cost.
    LlmClient client = client("LLM_TOKENS_PER_MINUTE", "600000");
    LlmRequest big =
        LlmRequest.chat(
                body("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"max_tokens\":9900}"))
            .withCacheMode(CacheMode.OFF);

    await(client.send(big));
    long start = System.nanoTime();
    await(client.send(big));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(700));
    assertThat(client.usage().snapshot().totalTokens()).isEqualTo(24);
  }

  @Test
  void aRateLimitedAttemptKeepsItsTokensSpent() throws Exception {
    // 10,000 tokens a second, a burst of 10,000; the call reserves about 6,005. Refused once with
    // a 429, its retry reserves them again, and since the refused attempt's tokens stay spent the
    // retry waits about 0.2 s for them instead of going at once.
    LlmClient client = client("LLM_TOKENS_PER_MINUTE", "600000", "LLM_RETRY_INITIAL_MS", "1");
    LlmRequest big =
        LlmRequest.chat(
                body("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"max_tokens\":6000}"))
            .withCacheMode(CacheMode.OFF);
    await(client.send(big)); // warms the connection; its usage of 12 gives the rest back
    server.then(json(429, "{}").header("retry-after-ms", "1"));

    long start = System.nanoTime();
    await(client.send(big));

    assertThat(server.requests()).hasSize(3);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(190));
  }

  @Test
  void withoutUsageTheEstimateStandsAndTheNextCallWaits() throws Exception {
    server.otherwise(s -> json(200, "{\"choices\":[{\"message\":{\"content\":\"x\"}}]}"));
    LlmClient client = client("LLM_TOKENS_PER_MINUTE", "600000");
    LlmRequest big =
        LlmRequest.chat(
                body("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"max_tokens\":6000}"))
            .withCacheMode(CacheMode.OFF);

    long start = System.nanoTime();
    await(client.send(big));
    await(client.send(big));

    // 2 x 6,005 tokens against a burst of 10,000 at 10,000 a second: about 0.2 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(190));
  }

  @Test
  void aClosedClientRefusesCalls() throws Exception {
    LlmClient client = client();
    client.close();

    assertThat(failureOf(client.send(chat("x")))).isInstanceOf(IllegalStateException.class);
    assertThat(server.requests()).isEmpty();
  }
}
