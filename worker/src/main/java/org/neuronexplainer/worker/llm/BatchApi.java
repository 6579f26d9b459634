package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The Files and Batches endpoints of an OpenAI-compatible API (OpenAI, Azure OpenAI's global
 * batch): upload an input file, create a batch, read its status, download a file. Calls block the
 * batcher's thread, which does nothing else; a failure throws {@link BatchApiException} and the
 * batcher tries again on its next round.
 */
final class BatchApi {

  /** What the provider reports of a batch. */
  record Status(String id, String state, String outputFileId, String errorFileId, String errors) {}

  /** A call to the Files or Batches endpoints that failed; the batcher tries again later. */
  static final class BatchApiException extends RuntimeException {
    BatchApiException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final LlmConfig config;
  private final HttpClient http;
  private final ObjectMapper mapper;

  BatchApi(LlmConfig config, HttpClient http, ObjectMapper mapper) {
    this.config = config;
    this.http = http;
    this.mapper = mapper;
  }

  /** Where a path of the API (such as {@code files} or {@code batches/b1}) is. */
  URI uri(String path) {
    String base = config.baseUrl().toString().replaceAll("/+$", "");
    if (config.flavor() == ApiFlavor.AZURE) {
      return URI.create(
          base
              + "/openai/"
              + path
              + "?api-version="
              + URLEncoder.encode(config.azureApiVersion(), StandardCharsets.UTF_8));
    }
    return URI.create(base + "/" + path);
  }

  /** Uploads a JSONL input file with purpose {@code batch}; returns its file id. */
  String upload(byte[] jsonl, String filename) {
    String boundary = "----neuron-explainer-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n");
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n");
    write(body, "Content-Type: application/jsonl\r\n\r\n");
    body.writeBytes(jsonl);
    write(body, "\r\n--" + boundary + "--\r\n");
    JsonNode answer =
        json(
            request("files")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
            "upload a batch file");
    return text(answer, "id", "upload a batch file");
  }

  /** Creates a batch of the uploaded file, every line posting to {@code endpoint}. */
  Status create(String inputFileId, String endpoint) {
    ObjectNode body = mapper.createObjectNode();
    body.put("input_file_id", inputFileId);
    body.put("endpoint", BatchFiles.url(config.flavor(), endpoint));
    body.put("completion_window", "24h");
    try {
      return status(
          json(
              request("batches")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))),
              "create a batch"));
    } catch (IOException e) {
      throw new BatchApiException("cannot write the batch request: " + e, e);
    }
  }

  Status get(String batchId) {
    return status(json(request("batches/" + encode(batchId)).GET(), "read batch " + batchId));
  }

  /** The bytes of a file (an output or error file). */
  byte[] content(String fileId) {
    return bytes(request("files/" + encode(fileId) + "/content").GET(), "read file " + fileId);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(config.timeout());
    if (!config.apiKey().isEmpty()) {
      if (config.flavor() == ApiFlavor.AZURE) {
        builder.header("api-key", config.apiKey());
      } else {
        builder.header("Authorization", "Bearer " + config.apiKey());
      }
    }
    for (Map.Entry<String, String> header : config.extraHeaders().entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    return builder;
  }

  private Status status(JsonNode batch) {
    JsonNode errors = batch.path("errors");
    return new Status(
        text(batch, "id", "read a batch"),
        text(batch, "status", "read a batch"),
        batch.path("output_file_id").isTextual() ? batch.path("output_file_id").textValue() : null,
        batch.path("error_file_id").isTextual() ? batch.path("error_file_id").textValue() : null,
        errors.isMissingNode() || errors.isNull() ? null : errors.toString());
  }

  private JsonNode json(HttpRequest.Builder request, String what) {
    byte[] raw = bytes(request, what);
    try {
      return mapper.readTree(raw);
    } catch (IOException e) {
      throw new BatchApiException("cannot " + what + ": the answer is not JSON", e);
    }
  }

  private byte[] bytes(HttpRequest.Builder builder, String what) {
    HttpRequest request = builder.build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new BatchApiException("cannot " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchApiException("interrupted while trying to " + what, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new BatchApiException(
          "cannot "
              + what
              + ": "
              + request.method()
              + " "
              + request.uri()
              + " answered "
              + LlmException.describe(
                  response.statusCode(), new String(response.body(), StandardCharsets.UTF_8)),
          null);
    }
    return response.body();
  }

  private static String text(JsonNode node, String field, String what) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.textValue().isEmpty()) {
      throw new BatchApiException("cannot " + what + ": the answer has no \"" + field + "\"", null);
    }
    return value.textValue();
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
