package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.neuronexplainer.worker.llm.LlmClientTest.await;
import static org.neuronexplainer.worker.llm.LlmClientTest.body;
import static org.neuronexplainer.worker.llm.LlmClientTest.chat;
import static org.neuronexplainer.worker.llm.LlmClientTest.failureOf;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.Reply.json;
import static org.neuronexplainer.worker.llm.ScriptedLlmServer.chatReply;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

class LlmClientCacheTest {

  @TempDir Path dir;
  private ScriptedLlmServer server;
  private LocalDirectoryStore store;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer();
    store = new LocalDirectoryStore(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  LlmClient client(BlobStore cache, String... overrides) {
    return LlmClient.builder(config(overrides)).cache(cache).build();
  }

  LlmConfig config(String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("LLM_BASE_URL", server.root() + "/v1");
    env.put("LLM_MODEL", "gpt-test");
    env.put("LLM_MAX_ATTEMPTS", "1");
    env.put("LLM_PRICES", "gpt-test=2:8:1");
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return LlmConfig.fromEnv(env);
  }

  @Test
  void aSecondIdenticalRequestMakesNoHttpCall() throws Exception {
    server.then(json(200, chatReply("first", 10, 2)), json(200, chatReply("second", 10, 2)));
    try (LlmClient client = client(store)) {
      LlmResponse fresh = await(client.send(chat("same")));
      LlmResponse again = await(client.send(chat("same")));

      assertThat(server.requests()).hasSize(1);
      assertThat(fresh.fromCache()).isFalse();
      assertThat(again.fromCache()).isTrue();
      assertThat(again.texts()).containsExactly("first");
      assertThat(again.attempts()).isZero();
      assertThat(again.costUsd()).isZero();
      assertThat(again.cacheKey()).isEqualTo(fresh.cacheKey()).matches("[0-9a-f]{64}");
      assertThat(client.usage().snapshot().cacheHits()).isEqualTo(1);
      assertThat(client.usage().snapshot().calls()).isEqualTo(2);
      assertThat(client.usage().snapshot().httpAttempts()).isEqualTo(1);
    }
  }

  @Test
  void anotherServerUnderTheSameModelNameIsAskedAfresh() throws Exception {
    server.then(json(200, chatReply("from the first server", 10, 2)));
    try (ScriptedLlmServer other = new ScriptedLlmServer()) {
      other.then(json(200, chatReply("from the second server", 10, 2)));
      try (LlmClient first = client(store);
          LlmClient second = client(store, "LLM_BASE_URL", other.root() + "/v1")) {
        LlmResponse a = await(first.send(chat("same")));
        LlmResponse b = await(second.send(chat("same")));

        assertThat(b.fromCache()).isFalse();
        assertThat(b.texts()).containsExactly("from the second server");
        assertThat(b.cacheKey()).isNotEqualTo(a.cacheKey());
        assertThat(other.requests()).hasSize(1);
      }
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void theCacheSurvivesANewClientOnTheSameDirectory() throws Exception {
    String key;
    try (LlmClient client = client(store)) {
      key = await(client.send(chat("persist"))).cacheKey();
    }
    assertThat(Files.isRegularFile(dir.resolve("llm-cache/" + key + ".json"))).isTrue();

    try (LlmClient restarted = client(new LocalDirectoryStore(dir))) {
      LlmResponse response = await(restarted.send(chat("persist")));
      assertThat(response.fromCache()).isTrue();
      assertThat(response.texts()).containsExactly("ok");
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void theKeyIgnoresFieldOrderButNotModelEndpointOrContent() throws Exception {
    try (LlmClient client = client(store)) {
      String a =
          await(
                  client.send(
                      LlmRequest.chat(
                          body(
                              "{\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"))))
              .cacheKey();
      String reordered =
          await(
                  client.send(
                      LlmRequest.chat(
                          body(
                              "{\"messages\":[{\"content\":\"q\",\"role\":\"user\"}],\"temperature\":1.0}"))))
              .cacheKey();
      String otherModel =
          await(
                  client.send(
                      LlmRequest.chat(
                          body(
                              "{\"model\":\"gpt-other\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"))))
              .cacheKey();
      String otherEndpoint =
          await(
                  client.send(
                      LlmRequest.completions(
                          body(
                              "{\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"))))
              .cacheKey();
      String otherContent =
          await(
                  client.send(
                      LlmRequest.chat(
                          body(
                              "{\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}]}"))))
              .cacheKey();

      assertThat(reordered).isEqualTo(a);
      assertThat(otherModel).isNotEqualTo(a);
      assertThat(otherEndpoint).isNotEqualTo(a);
      assertThat(otherContent).isNotEqualTo(a);
      assertThat(server.requests()).hasSize(4);
    }
  }

  @Test
  void failuresAreNotCached() throws Exception {
    server.then(json(400, "{\"error\":\"no\"}"));
    try (LlmClient client = client(store)) {
      assertThat(failureOf(client.send(chat("x")))).isInstanceOf(PermanentLlmException.class);
      assertThat(store.list("llm-cache/")).isEmpty();

      assertThat(await(client.send(chat("x"))).fromCache()).isFalse();
      assertThat(server.requests()).hasSize(2);
      assertThat(client.usage().snapshot().failures()).isEqualTo(1);
    }
  }

  @Test
  void refreshCallsAgainAndReplacesTheEntryWhileOffLeavesTheCacheAlone() throws Exception {
    server.then(
        json(200, chatReply("old", 1, 1)),
        json(200, chatReply("new", 1, 1)),
        json(200, chatReply("uncached", 1, 1)));
    try (LlmClient client = client(store)) {
      await(client.send(chat("x")));
      assertThat(await(client.send(chat("x").withCacheMode(CacheMode.REFRESH))).texts())
          .containsExactly("new");
      assertThat(await(client.send(chat("x").withCacheMode(CacheMode.OFF))).texts())
          .containsExactly("uncached");
      assertThat(await(client.send(chat("x"))).texts()).containsExactly("new");
      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void anUnreadableEntryIsAMiss() throws Exception {
    try (LlmClient client = client(store)) {
      String key = await(client.send(chat("x"))).cacheKey();
      store.put("llm-cache/" + key + ".json", "{truncated".getBytes());
      assertThat(await(client.send(chat("x"))).fromCache()).isFalse();
      assertThat(await(client.send(chat("x"))).fromCache()).isTrue();
    }
  }

  @Test
  void costsAndTokensAreSummedPerNeuronAndPerRun() throws Exception {
    // gpt-test=2:8:1 dollars per million prompt:completion:cached-prompt tokens.
    server.then(
        json(
            200,
            "{\"model\":\"gpt-test-2024\",\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100,"
                + "\"total_tokens\":1100,\"prompt_tokens_details\":{\"cached_tokens\":400}}}"),
        json(200, chatReply("b", 500, 50)),
        json(
            200,
            "{\"model\":\"local-llama\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":7}}"));
    UsageAccumulator run = new UsageAccumulator();
    try (LlmClient client = LlmClient.builder(config()).usage(run).build()) {
      UsageAccumulator neuronA = run.child();
      UsageAccumulator neuronB = run.child();

      LlmResponse first = await(client.send(chat("a"), neuronA));
      await(client.send(chat("b"), neuronA));
      await(
          client.send(LlmRequest.chat(body("{\"model\":\"unpriced\",\"messages\":[]}")), neuronB));

      assertThat(first.usage()).isEqualTo(new TokenUsage(1000, 100, 400));
      // (600 * 2 + 400 * 1 + 100 * 8) / 1e6
      assertThat(first.costUsd()).isCloseTo(0.0024, Offset.offset(1e-12));
      UsageTotals a = neuronA.snapshot();
      assertThat(a.calls()).isEqualTo(2);
      assertThat(a.promptTokens()).isEqualTo(1500);
      assertThat(a.completionTokens()).isEqualTo(150);
      assertThat(a.cachedPromptTokens()).isEqualTo(400);
      // plus (500 * 2 + 50 * 8) / 1e6
      assertThat(a.costUsd()).isCloseTo(0.0038, Offset.offset(1e-12));
      assertThat(neuronB.snapshot().unpricedCalls()).isEqualTo(1);
      assertThat(neuronB.snapshot().costUsd()).isZero();
      UsageTotals total = run.snapshot();
      assertThat(total.calls()).isEqualTo(3);
      assertThat(total.totalTokens()).isEqualTo(1650 + 14);
      assertThat(total.costUsd()).isEqualTo(a.costUsd());
      assertThat(client.usage()).isSameAs(run);
    }
  }
}
