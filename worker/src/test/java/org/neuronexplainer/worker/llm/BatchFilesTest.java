package org.neuronexplainer.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchFilesTest {

  private final ObjectMapper mapper = new ObjectMapper();

  private BatchRequest request(String key, String endpoint, String content) {
    ObjectNode body = mapper.createObjectNode();
    body.put("model", "gpt-test");
    body.putArray("messages").addObject().put("role", "user").put("content", content);
    return new BatchRequest(key, endpoint, body, "r1", "0:" + key.length(), 0, 0);
  }

  @Test
  void eachLineIsTheCallUnderItsCacheKey() throws Exception {
    BatchRequest call = request("abc", "chat/completions", "hello");
    JsonNode line = mapper.readTree(BatchFiles.line(call, ApiFlavor.OPENAI, mapper));
    assertEquals("abc", line.path("custom_id").asText());
    assertEquals("POST", line.path("method").asText());
    assertEquals("/v1/chat/completions", line.path("url").asText());
    assertEquals(call.body(), line.path("body"));
    byte[] bytes = BatchFiles.line(call, ApiFlavor.AZURE, mapper);
    assertEquals('\n', bytes[bytes.length - 1]);
    assertEquals("/chat/completions", mapper.readTree(bytes).path("url").asText());
  }

  @Test
  void filesKeepWithinTheRequestLimitAndOneEndpointEach() {
    List<BatchRequest> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(request("c" + i, "chat/completions", "x"));
    }
    calls.add(request("p0", "completions", "x"));
    BatchFiles.Assembly files =
        BatchFiles.assemble(calls, new BatchFiles.Limits(2, 1 << 20), ApiFlavor.OPENAI, mapper);
    assertEquals(
        List.of(2, 2, 1, 1), files.chunks().stream().map(c -> c.requests().size()).toList());
    assertEquals(
        List.of("chat/completions", "chat/completions", "chat/completions", "completions"),
        files.chunks().stream().map(BatchFiles.Chunk::endpoint).toList());
    assertTrue(files.tooLarge().isEmpty());
    String first = new String(files.chunks().get(0).jsonl(), StandardCharsets.UTF_8);
    assertEquals(2, first.split("\n").length);
    assertTrue(first.contains("\"custom_id\":\"c0\"") && first.contains("\"custom_id\":\"c1\""));
  }

  @Test
  void filesKeepWithinTheByteLimitAndAnOversizedCallIsSetAside() {
    BatchRequest small = request("a", "chat/completions", "x");
    int lineBytes = BatchFiles.line(small, ApiFlavor.OPENAI, mapper).length;
    List<BatchRequest> calls =
        List.of(
            small,
            request("b", "chat/completions", "x"),
            request("huge", "chat/completions", "x".repeat(10 * lineBytes)),
            request("c", "chat/completions", "x"));
    BatchFiles.Assembly files =
        BatchFiles.assemble(
            calls, new BatchFiles.Limits(100, 2L * lineBytes + 1), ApiFlavor.OPENAI, mapper);
    assertEquals(List.of("huge"), files.tooLarge().stream().map(BatchRequest::key).toList());
    assertEquals(2, files.chunks().size());
    for (BatchFiles.Chunk chunk : files.chunks()) {
      assertTrue(chunk.jsonl().length <= 2L * lineBytes + 1);
    }
    assertEquals(
        List.of("a", "b", "c"),
        files.chunks().stream()
            .flatMap(c -> c.requests().stream())
            .map(BatchRequest::key)
            .toList());
  }

  @Test
  void resultsCarryTheAnswerOrTheProvidersReason() {
    String jsonl =
        "{\"custom_id\":\"k1\",\"response\":{\"status_code\":200,\"body\":{\"choices\":[]}},"
            + "\"error\":null}\n"
            + "{\"custom_id\":\"k2\",\"response\":{\"status_code\":400,\"body\":{\"error\":"
            + "{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}},\"error\":null}\n"
            + "{\"custom_id\":\"k3\",\"response\":null,\"error\":{\"code\":\"batch_expired\","
            + "\"message\":\"not run\"}}\n"
            + "\n{\"no\":\"id\"}\n";
    List<BatchFiles.Result> results =
        BatchFiles.read(jsonl.getBytes(StandardCharsets.UTF_8), mapper);
    assertEquals(3, results.size());
    assertTrue(results.get(0).answered());
    assertFalse(results.get(1).answered());
    assertEquals("status 400: context_length_exceeded: too long", results.get(1).error());
    assertEquals("batch_expired: not run", results.get(2).error());
  }
}
