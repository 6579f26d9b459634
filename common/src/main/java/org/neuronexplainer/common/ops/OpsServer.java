package org.neuronexplainer.common.ops;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The HTTP edge of a process: {@code /healthz} (alive), {@code /readyz} (every {@link
 * ReadinessCheck} passes) and {@code /metrics} (Prometheus text), plus whatever routes the process
 * adds (the coordinator's API). Checks and scrapes run through {@code executeBlocking}, never on
 * the event loop. None of these three endpoints needs a token.
 */
public final class OpsServer implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;
  private final String host;

  private OpsServer(Vertx vertx, HttpServer server, String host) {
    this.vertx = vertx;
    this.server = server;
    this.host = host;
  }

  /**
   * Starts the server and waits until it listens.
   *
   * @param host the address to listen on: {@code 127.0.0.1} for this machine only, {@code 0.0.0.0}
   *     for every interface (a container's)
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param extraRoutes adds the process's own routes to the router (given the server's Vert.x)
   */
  public static OpsServer start(
      String host,
      int port,
      MetricsSetup metrics,
      Map<String, ReadinessCheck> checks,
      BiConsumer<Vertx, Router> extraRoutes) {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.response().end("ok\n"));
    router.get("/readyz").handler(ctx -> ready(vertx, ctx, Map.copyOf(checks)));
    router
        .get("/metrics")
        .handler(
            ctx ->
                vertx
                    .executeBlocking(metrics::scrape, false)
                    .onSuccess(
                        body ->
                            ctx.response()
                                .putHeader(
                                    "Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(body))
                    .onFailure(ctx::fail));
    extraRoutes.accept(vertx, router);
    try {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(router)
              .listen(port, host)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new OpsServer(vertx, server, host);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(
          "cannot listen on " + host + " port " + port + ": " + e.getMessage(), e);
    }
  }

  private static void ready(Vertx vertx, RoutingContext ctx, Map<String, ReadinessCheck> checks) {
    vertx
        .executeBlocking(
            () -> {
              Map<String, String> problems = new LinkedHashMap<>();
              checks.forEach(
                  (name, check) -> {
                    String problem;
                    try {
                      problem = check.problem();
                    } catch (RuntimeException e) {
                      problem = e.toString();
                    }
                    if (problem != null) {
                      problems.put(name, problem);
                    }
                  });
              return problems;
            },
            // Unordered: a check waiting on a broker that is away must not hold up /metrics.
            false)
        .onSuccess(
            problems -> {
              if (problems.isEmpty()) {
                ctx.response().end("ready\n");
              } else {
                List<String> lines = new ArrayList<>();
                problems.forEach((name, why) -> lines.add(name + ": " + why));
                ctx.response().setStatusCode(503).end(String.join("\n", lines) + "\n");
              }
            })
        .onFailure(ctx::fail);
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** The address it listens on, as configured. */
  public String host() {
    return host;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing at exit: nothing more to do if Vert.x does not stop in time.
    }
  }
}
