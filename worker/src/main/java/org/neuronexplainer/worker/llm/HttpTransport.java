package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP attempt: builds the request for the configured flavor, sends it without blocking and
 * turns what came back into a JSON object or an {@link LlmException} of the right kind.
 */
final class HttpTransport {

  /** What one attempt produced: a parsed body and its bytes, or a failure. */
  record Outcome(ObjectNode json, byte[] raw, LlmException failure) {
    boolean succeeded() {
      return failure == null;
    }
  }

  private final LlmConfig config;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final ScheduledExecutorService timers;

  HttpTransport(
      LlmConfig config,
      HttpClient http,
      ObjectMapper mapper,
      Clock clock,
      ScheduledExecutorService timers) {
    this.config = config;
    this.http = http;
    this.mapper = mapper;
    this.clock = clock;
    this.timers = timers;
  }

  /** Where a call to {@code endpoint} goes. */
  URI uri(EndpointKind endpoint) {
    return config.endpoint(endpoint);
  }

  HttpRequest build(EndpointKind endpoint, byte[] body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(config.endpoint(endpoint))
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
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
    return builder.build();
  }

  /** Never completes exceptionally: every failure is in the outcome. */
  CompletableFuture<Outcome> send(EndpointKind endpoint, byte[] body) {
    HttpRequest request;
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      request = build(endpoint, body);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          new Outcome(
              null,
              null,
              new PermanentLlmException("cannot build the request: " + e, 0, "", 1, false, e)));
    }
    try {
      sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failed(request, e, false));
    }
    // The request timeout only covers the wait for the response headers; a body that stalls
    // after them would hang the call, so the whole exchange gets the same bound. Cancelling the
    // JDK client's future aborts the exchange and frees its connection.
    AtomicBoolean expired = new AtomicBoolean();
    try {
      ScheduledFuture<?> timer =
          timers.schedule(
              () -> {
                if (!sent.isDone()) {
                  expired.set(true);
                  sent.cancel(true);
                }
              },
              config.timeout().toNanos(),
              TimeUnit.NANOSECONDS);
      sent.whenComplete((response, error) -> timer.cancel(false));
    } catch (RejectedExecutionException closing) {
      // The client is closing: the header timeout of the request still applies.
    }
    return sent.handle(
        (response, error) ->
            error != null ? failed(request, error, expired.get()) : classify(request, response));
  }

  private Outcome classify(HttpRequest request, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    byte[] raw = response.body() == null ? new byte[0] : response.body();
    String text = new String(raw, StandardCharsets.UTF_8);
    String where = "POST " + request.uri();
    if (status >= 200 && status < 300) {
      JsonNode json = parse(raw);
      if (json instanceof ObjectNode object) {
        return new Outcome(object, raw, null);
      }
      // The server answered, with something that is not the protocol's JSON object (HTML from a
      // proxy, text): that is an answer that does not parse, asked again by the caller's parse
      // retries, never multiplied by this transport's attempts.
      return new Outcome(
          null,
          raw,
          PermanentLlmException.unparseableAnswer(
              where
                  + " returned a response that is not a JSON object: "
                  + LlmException.describe(status, text),
              status,
              text,
              1));
    }
    if (RetryPolicy.isRetryableStatus(status)) {
      Duration retryAfter =
          RetryPolicy.parseRetryAfter(
                  response.headers().firstValue("retry-after-ms"),
                  response.headers().firstValue("retry-after"),
                  clock)
              .orElse(null);
      return new Outcome(
          null,
          raw,
          new RetryableLlmException(
              where + " failed: " + LlmException.describe(status, text),
              status,
              text,
              retryAfter,
              null));
    }
    return new Outcome(
        null,
        raw,
        new PermanentLlmException(
            where + " was rejected: " + LlmException.describe(status, text),
            status,
            text,
            1,
            false,
            null));
  }

  private JsonNode parse(byte[] raw) {
    try {
      return mapper.readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }

  private Outcome failed(HttpRequest request, Throwable error, boolean expired) {
    Throwable cause = unwrap(error);
    String where = "POST " + request.uri();
    LlmException failure;
    if (cause instanceof HttpTimeoutException || expired) {
      failure =
          new RetryableLlmException(
              where + " timed out after " + config.timeout().toMillis() + " ms",
              0,
              "",
              null,
              cause);
    } else if (cause instanceof IOException) {
      failure =
          new RetryableLlmException(
              where + " failed before a complete response: " + cause, 0, "", null, cause);
    } else {
      failure =
          new PermanentLlmException(where + " could not be sent: " + cause, 0, "", 1, false, cause);
    }
    return new Outcome(null, null, failure);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
