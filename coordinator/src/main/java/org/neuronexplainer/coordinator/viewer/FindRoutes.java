package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.coordinator.http.JsonResponses;
import org.neuronexplainer.coordinator.runs.RunNotFoundException;
import org.slf4j.LoggerFactory;

/**
 * The routes that find neurons by what they fire on: {@code /api/viewer/find} (the explanation
 * search with activity filters, or the token search), {@code /api/viewer/activity/L/N} (one
 * neuron's density and strongest tokens) and {@code /api/viewer/export} (a selection as CSV or JSON
 * Lines, streamed).
 */
final class FindRoutes {

  private static final int MAX_LIMIT = 500;
  // Rows are sent in pieces of about this many characters.
  private static final int PIECE = 64 * 1024;
  private static final long DRAIN_WAIT_SECONDS = 120;

  private final Vertx vertx;
  private final ViewerStores stores;
  private final JsonResponses responses;
  private final Map<String, String> headers;

  private FindRoutes(Vertx vertx, ViewerStores stores, Map<String, String> headers) {
    this.vertx = vertx;
    this.stores = stores;
    this.headers = headers;
    this.responses = new JsonResponses(vertx, new ObjectMapper(), headers);
  }

  /** Adds the routes; {@code headers} go on every answer, as on the viewer's others. */
  static void mount(Router router, Vertx vertx, ViewerStores stores, Map<String, String> headers) {
    FindRoutes routes = new FindRoutes(vertx, stores, headers);
    router.get("/api/viewer/find").handler(routes::find);
    router.get("/api/viewer/activity/:layer/:neuron").handler(routes::activity);
    router.get("/api/viewer/export").handler(routes::export);
  }

  private void find(RoutingContext ctx) {
    FindService.Selection selection;
    int offset;
    int limit;
    try {
      selection = selection(ctx);
      offset = Math.max(0, QueryParams.intParam(ctx, "offset", 0));
      limit = Math.min(MAX_LIMIT, Math.max(0, QueryParams.intParam(ctx, "limit", 50)));
    } catch (IllegalArgumentException e) {
      responses.error(ctx, 400, e.getMessage());
      return;
    }
    withStore(
        ctx,
        s ->
            blocking(
                ctx,
                () ->
                    selection.mode().equals("tokens")
                        ? s.find().tokens(selection.query(), selection.activity(), offset, limit)
                        : s.find()
                            .explanations(
                                selection.query(),
                                selection.filter(),
                                selection.activity(),
                                offset,
                                limit)));
  }

  private void activity(RoutingContext ctx) {
    NeuronId id;
    try {
      id =
          new NeuronId(
              Integer.parseInt(ctx.pathParam("layer")), Integer.parseInt(ctx.pathParam("neuron")));
    } catch (IllegalArgumentException e) {
      responses.error(ctx, 400, "layer and neuron must be non-negative integers");
      return;
    }
    withStore(ctx, s -> blocking(ctx, () -> s.find().neuron(id)));
  }

  private void export(RoutingContext ctx) {
    FindService.Selection selection;
    NeuronExport.Format format;
    try {
      selection = selection(ctx);
      format = NeuronExport.Format.parse(ctx.request().getParam("format"));
    } catch (IllegalArgumentException e) {
      responses.error(ctx, 400, e.getMessage());
      return;
    }
    withStore(ctx, s -> export(ctx, s, selection, format));
  }

  private void export(
      RoutingContext ctx,
      ViewerService service,
      FindService.Selection selection,
      NeuronExport.Format format) {
    HttpServerResponse response = ctx.response();
    Streamed stream = new Streamed(response, format, fileName(selection, format));
    vertx
        .executeBlocking(
            () -> {
              service.find().export(selection, new NeuronExport(service, format, stream));
              stream.flush();
              return null;
            },
            false)
        .onSuccess(nothing -> stream.end())
        .onFailure(
            e -> {
              if (stream.started()) {
                // Half a file already went out: cut the connection so it is not taken as whole.
                LoggerFactory.getLogger(FindRoutes.class)
                    .warn("an export stopped part way: {}", e.toString());
                response.reset();
              } else if (e instanceof FindService.Unavailable u) {
                responses.error(ctx, 503, u.getMessage() + "; try again in a moment");
              } else if (e instanceof RunNotFoundException) {
                responses.error(ctx, 404, "no run " + selection.runId());
              } else {
                responses.error(ctx, 500, "the export could not be written");
              }
            });
  }

  /** The file the browser saves: what was selected, in a few words. */
  private static String fileName(FindService.Selection selection, NeuronExport.Format format) {
    String what;
    if (selection.runId() != null) {
      what = "run-" + selection.runId();
    } else if (selection.filter().minLayer() == selection.filter().maxLayer()) {
      what = "layer-" + selection.filter().minLayer();
    } else {
      what = selection.mode().equals("tokens") ? "token-search" : "neurons";
    }
    return what.replaceAll("[^A-Za-z0-9._-]", "_") + "." + format.extension;
  }

  /** The search's parameters, shared by the search and the export. */
  private static FindService.Selection selection(RoutingContext ctx) {
    String mode = Optional.ofNullable(ctx.request().getParam("mode")).orElse("explanations");
    if (!mode.equals("explanations") && !mode.equals("tokens")) {
      throw new IllegalArgumentException("mode must be explanations or tokens, got " + mode);
    }
    int minLayer = QueryParams.intParam(ctx, "minLayer", 0);
    int maxLayer = QueryParams.intParam(ctx, "maxLayer", Integer.MAX_VALUE);
    Integer layer =
        ctx.request().getParam("layer") == null ? null : QueryParams.intParam(ctx, "layer", 0);
    if (layer != null) {
      minLayer = layer;
      maxLayer = layer;
    }
    double minDensity = QueryParams.doubleParam(ctx, "minDensity", 0);
    double maxDensity = QueryParams.doubleParam(ctx, "maxDensity", 1);
    if (minDensity < 0 || maxDensity > 1 || minDensity > maxDensity) {
      throw new IllegalArgumentException(
          "densities are shares between 0 and 1, the least first; got "
              + minDensity
              + " to "
              + maxDensity);
    }
    String dead = ctx.request().getParam("dead");
    String run = ctx.request().getParam("run");
    return new FindService.Selection(
        mode,
        Optional.ofNullable(ctx.request().getParam("q")).orElse(""),
        new SearchFilter(
            minLayer,
            maxLayer,
            QueryParams.doubleParam(ctx, "minScore", Double.NEGATIVE_INFINITY),
            QueryParams.doubleParam(ctx, "maxScore", Double.POSITIVE_INFINITY)),
        new ActivityFilter(
            minLayer,
            maxLayer,
            minDensity,
            maxDensity,
            dead != null && (dead.equals("1") || dead.equals("true"))),
        run == null || run.isBlank() ? null : run.strip());
  }

  /**
   * The response as the export's sink: rows gathered into pieces, each written as it fills, the
   * worker waiting while the client is slower than the store.
   */
  private final class Streamed implements NeuronExport.Sink {
    private final HttpServerResponse response;
    private final NeuronExport.Format format;
    private final String fileName;
    private final StringBuilder piece = new StringBuilder();
    private volatile boolean started;

    Streamed(HttpServerResponse response, NeuronExport.Format format, String fileName) {
      this.response = response;
      this.format = format;
      this.fileName = fileName;
    }

    boolean started() {
      return started;
    }

    @Override
    public void write(String text) {
      piece.append(text);
      if (piece.length() >= PIECE) {
        flush();
      }
    }

    void flush() {
      start();
      if (piece.isEmpty()) {
        return;
      }
      if (response.closed()) {
        throw new IllegalStateException("the client went away");
      }
      Buffer buffer = Buffer.buffer(piece.toString());
      piece.setLength(0);
      response.write(buffer);
      if (response.writeQueueFull()) {
        CountDownLatch drained = new CountDownLatch(1);
        response.drainHandler(v -> drained.countDown());
        try {
          if (response.writeQueueFull() && !drained.await(DRAIN_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the client stopped reading");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }

    private void start() {
      if (started) {
        return;
      }
      started = true;
      headers.forEach(response::putHeader);
      response
          .setChunked(true)
          .putHeader("Content-Type", format.contentType)
          .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Cache-Control", "no-store");
    }

    void end() {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  private void withStore(RoutingContext ctx, Consumer<ViewerService> action) {
    String index = ctx.request().getParam("store");
    Optional<ViewerService> service = stores.resolve(index);
    if (service.isEmpty()) {
      responses.error(
          ctx, 404, "no store " + index + " (this viewer has " + stores.entries().size() + ")");
    } else {
      action.accept(service.get());
    }
  }

  private void blocking(RoutingContext ctx, java.util.concurrent.Callable<Object> answer) {
    responses.blocking(ctx, 200, answer, e -> 500);
  }
}
