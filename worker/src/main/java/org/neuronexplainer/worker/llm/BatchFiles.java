package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Batch API's JSONL files: the input file the batcher uploads (one line per call, {@code
 * custom_id} its cache key) and the output and error files it reads back.
 */
final class BatchFiles {

  private BatchFiles() {}

  /**
   * What one input file may hold. OpenAI takes up to 50,000 requests and 200 MB per file, Azure
   * OpenAI's global batch 100,000 and 200 MB; the defaults are OpenAI's.
   */
  record Limits(int maxRequests, long maxBytes) {
    static final Limits OPENAI = new Limits(50_000, 200L * 1024 * 1024);

    Limits {
      if (maxRequests < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("batch file limits must be positive");
      }
    }
  }

  /** One input file: its calls, all to one endpoint, and its bytes. */
  record Chunk(String endpoint, List<BatchRequest> requests, byte[] jsonl) {}

  /** Input files for {@code requests}, and the calls too large for any file. */
  record Assembly(List<Chunk> chunks, List<BatchRequest> tooLarge) {}

  /** One line of an output or error file. */
  record Result(String customId, int status, ObjectNode body, String error) {
    boolean answered() {
      return status >= 200 && status < 300 && body != null && error == null;
    }
  }

  /** The URL a batch line names, and the {@code endpoint} of the batch: relative to the API. */
  static String url(ApiFlavor flavor, String endpoint) {
    return flavor == ApiFlavor.AZURE ? "/" + endpoint : "/v1/" + endpoint;
  }

  /**
   * Packs the calls into files within {@code limits}, one endpoint per file, in the order given. A
   * call whose line alone passes the byte limit goes into {@code tooLarge}.
   */
  static Assembly assemble(
      List<BatchRequest> requests, Limits limits, ApiFlavor flavor, ObjectMapper mapper) {
    Map<String, List<BatchRequest>> byEndpoint = new LinkedHashMap<>();
    for (BatchRequest request : requests) {
      byEndpoint.computeIfAbsent(request.endpoint(), e -> new ArrayList<>()).add(request);
    }
    List<Chunk> chunks = new ArrayList<>();
    List<BatchRequest> tooLarge = new ArrayList<>();
    for (Map.Entry<String, List<BatchRequest>> group : byEndpoint.entrySet()) {
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      List<BatchRequest> inFile = new ArrayList<>();
      for (BatchRequest request : group.getValue()) {
        byte[] line = line(request, flavor, mapper);
        if (line.length > limits.maxBytes()) {
          tooLarge.add(request);
          continue;
        }
        if (!inFile.isEmpty()
            && (inFile.size() >= limits.maxRequests()
                || file.size() + (long) line.length > limits.maxBytes())) {
          chunks.add(new Chunk(group.getKey(), List.copyOf(inFile), file.toByteArray()));
          file.reset();
          inFile.clear();
        }
        file.writeBytes(line);
        inFile.add(request);
      }
      if (!inFile.isEmpty()) {
        chunks.add(new Chunk(group.getKey(), List.copyOf(inFile), file.toByteArray()));
      }
    }
    return new Assembly(List.copyOf(chunks), List.copyOf(tooLarge));
  }

  /** One input line, newline included. */
  static byte[] line(BatchRequest request, ApiFlavor flavor, ObjectMapper mapper) {
    ObjectNode line = mapper.createObjectNode();
    line.put("custom_id", request.key());
    line.put("method", "POST");
    line.put("url", url(flavor, request.endpoint()));
    line.set("body", request.body());
    try {
      byte[] json = mapper.writeValueAsBytes(line);
      byte[] withNewline = new byte[json.length + 1];
      System.arraycopy(json, 0, withNewline, 0, json.length);
      withNewline[json.length] = '\n';
      return withNewline;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The lines of an output or error file. A line without a {@code custom_id} is skipped; one whose
   * response is not a success carries the provider's reason in {@code error}.
   */
  static List<Result> read(byte[] jsonl, ObjectMapper mapper) {
    List<Result> results = new ArrayList<>();
    for (String text : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
      if (text.isBlank()) {
        continue;
      }
      JsonNode line;
      try {
        line = mapper.readTree(text);
      } catch (IOException e) {
        continue;
      }
      String id = line.path("custom_id").asText("");
      if (id.isEmpty()) {
        continue;
      }
      JsonNode response = line.path("response");
      int status = response.path("status_code").asInt(0);
      JsonNode body = response.path("body");
      String error = null;
      if (line.hasNonNull("error") && !line.path("error").isMissingNode()) {
        error = reason(line.path("error"));
      } else if (status < 200 || status >= 300) {
        error = "status " + status + ": " + reason(body.path("error"));
      }
      results.add(new Result(id, status, body instanceof ObjectNode object ? object : null, error));
    }
    return results;
  }

  private static String reason(JsonNode error) {
    String code = error.path("code").asText("");
    String message = error.path("message").asText("");
    if (message.isEmpty()) {
      message = error.isMissingNode() || error.isNull() ? "no reason given" : error.toString();
    }
    return code.isEmpty() ? message : code + ": " + message;
  }
}
