package org.neuronexplainer.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

class BatcherTest {

  private final ObjectMapper mapper = new ObjectMapper();
  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final List<String> ready = new ArrayList<>();
  private ScriptedBatchServer server;
  private LlmClient client;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedBatchServer();
    server.answers(
        line ->
            ScriptedLlmServer.chatReply(
                "re " + line.path("body").path("messages").get(0).path("content").asText(),
                1000,
                200));
    client = LlmClient.builder(config()).cache(store).build();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private LlmConfig config() {
    return LlmConfig.fromEnv(
        Map.of(
            "LLM_BASE_URL", server.root() + "/v1",
            "LLM_MODEL", "gpt-test",
            "LLM_PRICES", "gpt-test=2:8"));
  }

  private Batcher batcher(int maxRequests, int maxSends) {
    return new Batcher(
        new BatchStore(store, mapper),
        config(),
        http,
        mapper,
        maxRequests,
        1 << 20,
        maxSends,
        (run, neurons) -> neurons.forEach(n -> ready.add(run + "/" + n)),
        System::currentTimeMillis);
  }

  private static LlmRequest chat(String content) {
    ObjectNode body = new ObjectMapper().createObjectNode();
    body.putArray("messages").addObject().put("role", "user").put("content", content);
    body.put("max_tokens", 10);
    return LlmRequest.chat(body);
  }

  private LlmResponse sendNow(String content, UsageAccumulator account, BatchCaller caller)
      throws Exception {
    return client.sendBatched(chat(content), account, caller).get(10, TimeUnit.SECONDS);
  }

  private Throwable failure(String content, BatchCaller caller) {
    CompletableFuture<LlmResponse> sent =
        client.sendBatched(chat(content), client.usage().child(), caller);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> sent.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void aParkedCallIsAnsweredThroughABatchAndCountedOnceAtBatchPrices() throws Exception {
    BatchCaller caller = new BatchCaller("r1", "0:1");
    assertInstanceOf(BatchPendingException.class, failure("hello", caller));
    assertEquals(UsageTotals.ZERO, client.usage().snapshot(), "a parked call costs nothing");
    Batcher batcher = batcher(100, 3);

    Batcher.Counts submitted = batcher.round();
    assertEquals(1, server.batches().size());
    assertEquals(0, submitted.pendingCalls());
    assertTrue(ready.isEmpty());

    Batcher.Counts settled = batcher.round();
    assertEquals(1, settled.completed());
    assertEquals(0, settled.inProgress());
    assertEquals(List.of("r1/0:1"), ready);

    UsageAccumulator account = client.usage().child();
    LlmResponse answer = sendNow("hello", account, caller);
    assertEquals(List.of("re hello"), answer.texts());
    // 1000 prompt and 200 completion tokens at half of $2 and $8 per million.
    assertEquals((1000 * 1.0 + 200 * 4.0) / 1e6, answer.costUsd(), 1e-12);
    assertEquals(answer.costUsd(), account.snapshot().costUsd(), 1e-12);
    assertEquals(List.of(answer.cacheKey()), caller.counted());

    client.forgetCounted(caller);
    LlmResponse again = sendNow("hello", client.usage().child(), new BatchCaller("r1", "0:1"));
    assertTrue(again.fromCache());
    assertEquals(0, again.costUsd());
  }

  @Test
  void anExpiredBatchSendsOnlyItsUnansweredCallsAgain() throws Exception {
    BatchCaller caller = new BatchCaller("r1", "2:7");
    for (String content : List.of("a", "b", "c")) {
      assertInstanceOf(BatchPendingException.class, failure(content, caller));
    }
    server.then(ScriptedBatchServer.Plan.expireAfter(1));
    Batcher batcher = batcher(100, 3);
    batcher.round(); // submits the three
    batcher.round(); // the batch expired with one answer; the two others are parked again
    assertTrue(ready.isEmpty(), "the neuron still waits for two calls");
    batcher.round(); // sends the two
    assertEquals(2, server.batches().size());
    assertEquals(2, server.batches().get(1).lines().size());
    batcher.round();
    assertEquals(List.of("r1/2:7"), ready);
    for (String content : List.of("a", "b", "c")) {
      assertEquals(
          List.of("re " + content), sendNow(content, client.usage().child(), caller).texts());
    }
    Batcher.Counts counts = batcher.counts();
    assertEquals(1, counts.completed());
    assertEquals(1, counts.failed());
  }

  @Test
  void aRejectedCallFailsJustItsNeuronWithTheReason() throws Exception {
    server.rejecting(body -> body.toString().contains("bad"));
    BatchCaller good = new BatchCaller("r1", "0:1");
    BatchCaller bad = new BatchCaller("r1", "0:2");
    failure("fine", good);
    failure("bad", bad);
    Batcher batcher = batcher(100, 3);
    batcher.round();
    batcher.round();
    assertEquals(List.of("r1/0:1", "r1/0:2"), ready.stream().sorted().toList());
    assertEquals(List.of("re fine"), sendNow("fine", client.usage().child(), good).texts());
    Throwable rejected = failure("bad", bad);
    PermanentLlmException e = assertInstanceOf(PermanentLlmException.class, rejected);
    assertTrue(e.getMessage().contains("scripted rejection"), e.getMessage());
  }

  @Test
  void aCallWithoutAnAnswerAfterItsLastSendFails() throws Exception {
    server.then(ScriptedBatchServer.Plan.failWhole(), ScriptedBatchServer.Plan.failWhole());
    BatchCaller caller = new BatchCaller("r1", "0:1");
    failure("lost", caller);
    Batcher batcher = batcher(100, 2);
    for (int i = 0; i < 4; i++) {
      batcher.round();
    }
    assertEquals(2, server.batches().size());
    assertEquals(List.of("r1/0:1"), ready);
    Throwable lost = failure("lost", caller);
    assertTrue(lost.getMessage().contains("no answer after 2 batches"), lost.getMessage());
  }

  @Test
  void batchesSurviveARestartOfTheBatcher() throws Exception {
    server.hold(true);
    BatchCaller caller = new BatchCaller("r1", "0:1");
    failure("kept", caller);
    batcher(100, 3).round();
    batcher(100, 3).round();
    assertEquals(1, batcher(100, 3).counts().inProgress());
    server.hold(false);
    batcher(100, 3).round(); // a new batcher over the same store settles the batch
    assertEquals(1, server.batches().size());
    assertEquals(List.of("r1/0:1"), ready);
    assertEquals(List.of("re kept"), sendNow("kept", client.usage().child(), caller).texts());
  }

  @Test
  void callsParkedAgainWhileTheirBatchIsOutAreNotSentTwice() throws Exception {
    server.hold(true);
    BatchCaller caller = new BatchCaller("r1", "0:1");
    failure("once", caller);
    Batcher batcher = batcher(100, 3);
    batcher.round();
    failure("once", caller); // the neuron ran again meanwhile
    failure("once", new BatchCaller("r2", "0:1")); // another run makes the same call
    batcher.round();
    assertEquals(1, server.batches().size());
    assertEquals(2, batcher.counts().pendingCalls(), "both wait for the batch that is out");
    server.hold(false);
    batcher.round();
    assertEquals(1, server.batches().size());
    assertEquals(0, batcher.counts().pendingCalls());
    assertEquals(List.of("r1/0:1", "r2/0:1"), ready.stream().sorted().toList());
    // The neuron the batch answered for counts the cost; the other run's gets a cache hit.
    assertTrue(sendNow("once", client.usage().child(), caller).costUsd() > 0);
    assertTrue(sendNow("once", client.usage().child(), new BatchCaller("r2", "0:1")).fromCache());
  }

  @Test
  void neuronsMakingTheSameCallShareOneLineAndAreAllReleased() throws Exception {
    failure("same", new BatchCaller("r1", "0:1"));
    failure("same", new BatchCaller("r1", "0:2"));
    Batcher batcher = batcher(100, 3);
    batcher.round();
    assertEquals(1, server.batches().get(0).lines().size());
    batcher.round();
    assertEquals(List.of("r1/0:1", "r1/0:2"), ready.stream().sorted().toList());
  }

  @Test
  void filesKeepWithinTheRequestLimit() throws Exception {
    for (int i = 0; i < 5; i++) {
      failure("n" + i, new BatchCaller("r1", "0:" + i));
    }
    batcher(2, 3).round();
    assertEquals(List.of(2, 2, 1), server.batches().stream().map(b -> b.lines().size()).toList());
  }
}
