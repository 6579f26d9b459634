package org.neuronexplainer.coordinator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/**
 * Writes the JSON answers of a set of routes: a body as JSON, or an error as {@code {"error":
 * message}}, each with {@value #CONTENT_TYPE}, {@code X-Content-Type-Options: nosniff} and the
 * routes' own headers.
 */
public final class JsonResponses {

  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private final Vertx vertx;
  private final ObjectMapper mapper;
  private final Map<String, String> headers;

  /**
   * @param mapper writes the bodies
   * @param headers put on every answer (the viewer's Content-Security-Policy)
   */
  public JsonResponses(Vertx vertx, ObjectMapper mapper, Map<String, String> headers) {
    this.vertx = vertx;
    this.mapper = mapper;
    this.headers = Map.copyOf(headers);
  }

  /** Sends {@code body} as JSON. */
  public void send(RoutingContext ctx, int status, Object body) {
    String text;
    try {
      text = mapper.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      error(ctx, 500, "cannot write JSON: " + e.getOriginalMessage());
      return;
    }
    end(ctx, status, text);
  }

  /** Sends {@code {"error": message}}. */
  public void error(RoutingContext ctx, int status, String message) {
    end(ctx, status, mapper.createObjectNode().put("error", message).toString());
  }

  /**
   * Runs {@code work} on a worker thread, never the event loop, and sends what it returns with
   * {@code status}; a failure is sent as an error with its message and the status {@code statusOf}
   * gives it.
   */
  public void blocking(
      RoutingContext ctx, int status, Callable<?> work, ToIntFunction<Throwable> statusOf) {
    // Unordered: one slow store read must not queue every other request behind it.
    send(
        ctx,
        status,
        vertx.executeBlocking(() -> mapper.writeValueAsString(work.call()), false),
        statusOf);
  }

  /**
   * As {@link #blocking(RoutingContext, int, Callable, ToIntFunction)}, on {@code pool}'s threads:
   * long work that must not take every thread of Vert.x's worker pool from the other requests.
   */
  public void blocking(
      RoutingContext ctx,
      int status,
      Callable<?> work,
      ToIntFunction<Throwable> statusOf,
      WorkerExecutor pool) {
    send(
        ctx,
        status,
        pool.executeBlocking(() -> mapper.writeValueAsString(work.call()), false),
        statusOf);
  }

  private void send(
      RoutingContext ctx, int status, Future<String> text, ToIntFunction<Throwable> statusOf) {
    text.onSuccess(t -> end(ctx, status, t))
        .onFailure(e -> error(ctx, statusOf.applyAsInt(e), message(e)));
  }

  /** A failure's message, or its type when it has none. */
  public static String message(Throwable error) {
    return error.getMessage() == null ? error.toString() : error.getMessage();
  }

  private void end(RoutingContext ctx, int status, String text) {
    HttpServerResponse response = ctx.response();
    headers.forEach(response::putHeader);
    response
        .setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(text);
  }
}
