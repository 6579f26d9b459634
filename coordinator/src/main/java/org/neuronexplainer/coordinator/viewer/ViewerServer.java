package org.neuronexplainer.coordinator.viewer;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The viewer on its own HTTP server ({@code neuron-explainer serve}); tests start it too. */
public final class ViewerServer implements AutoCloseable {

  private final Vertx vertx;
  private final ViewerStores stores;
  private final HttpServer server;
  private final Optional<BoundedProbe> probe;

  private ViewerServer(
      Vertx vertx, ViewerStores stores, HttpServer server, Optional<BoundedProbe> probe) {
    this.vertx = vertx;
    this.stores = stores;
    this.server = server;
    this.probe = probe;
  }

  /** Starts serving {@code service} on {@code host:port} (port 0 picks a free one). */
  public static ViewerServer start(ViewerService service, String host, int port) {
    return start(ViewerStores.of(service), host, port);
  }

  /** Starts serving {@code stores}, chosen in the page, on {@code host:port}. */
  public static ViewerServer start(ViewerStores stores, String host, int port) {
    return start(stores, Optional.empty(), host, port);
  }

  /**
   * Starts serving {@code stores}, with {@code probe} (closed with the server, also when it cannot
   * start) running the neuron page's "try it on your text" box.
   */
  public static ViewerServer start(
      ViewerStores stores, Optional<BoundedProbe> probe, String host, int port) {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    ViewerRoutes.mount(router, vertx, stores, probe);
    try {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(router)
              .listen(port, host)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new ViewerServer(vertx, stores, server, probe);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      probe.ifPresent(BoundedProbe::close);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      probe.ifPresent(BoundedProbe::close);
      throw new IllegalStateException("interrupted while starting the viewer", e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Shutting down anyway; nothing is left to release that the JVM exit would not.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stores.close();
      probe.ifPresent(BoundedProbe::close);
    }
  }
}
