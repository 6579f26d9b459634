package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.coordinator.http.JsonResponses;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.runs.RunNotFoundException;

/**
 * The viewer's HTTP edge: pages, static assets, the JSON API under {@code /api/viewer} and raw
 * dataset files and runs' input files under {@code /raw}. Store reads run on worker threads, never
 * on the event loop.
 */
public final class ViewerRoutes {

  private static final int MAX_LIMIT = 500;
  private static final long REFRESH_WAIT_SECONDS = 20;
  // Dataset text is untrusted: no inline script can run even if escaping were ever missed.
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final Vertx vertx;
  private final ViewerStores stores;
  private final WebAssets assets = WebAssets.load();
  private final ObjectMapper json = new ObjectMapper();
  private final JsonResponses responses;

  private ViewerRoutes(Vertx vertx, ViewerStores stores) {
    this.vertx = vertx;
    this.stores = stores;
    this.responses = new JsonResponses(vertx, json, Map.of("Content-Security-Policy", CSP));
  }

  /** Adds the viewer's routes to {@code router}; the coordinator mounts it beside its own API. */
  public static void mount(Router router, Vertx vertx, ViewerStores stores) {
    mount(router, vertx, stores, Optional.empty());
  }

  /** As above, with {@code probe} running the neuron page's "try it on your text" box. */
  public static void mount(
      Router router, Vertx vertx, ViewerStores stores, Optional<BoundedProbe> probe) {
    new ViewerRoutes(vertx, stores).addTo(router);
    ProbeRoutes.mount(router, vertx, stores, probe, Map.of("Content-Security-Policy", CSP));
  }

  private void addTo(Router router) {
    router.get("/").handler(ctx -> page(ctx, "overview.html"));
    router.get("/search").handler(ctx -> page(ctx, "search.html"));
    router.get("/neurons/:layer/:neuron").handler(ctx -> page(ctx, "neuron.html"));
    router.get("/runs").handler(ctx -> page(ctx, "runs.html"));
    router.get("/runs/:id").handler(ctx -> page(ctx, "run.html"));
    router.get("/static/:file").handler(ctx -> page(ctx, ctx.pathParam("file")));
    router.get("/api/viewer/info").handler(this::info);
    router
        .get("/api/viewer/neurons/:layer/:neuron")
        .handler(
            ctx ->
                neuronId(ctx)
                    .ifPresent(id -> withStore(ctx, s -> blocking(ctx, () -> s.neuron(id)))));
    router
        .get("/api/viewer/overview")
        .handler(ctx -> withStore(ctx, s -> blocking(ctx, s::overview)));
    router.get("/api/viewer/search").handler(this::search);
    router.get("/api/viewer/random").handler(this::random);
    router.post("/api/viewer/refresh").handler(this::refresh);
    router
        .get("/api/viewer/runs")
        .handler(
            ctx ->
                withStore(
                    ctx,
                    s -> blocking(ctx, () -> RunPageJson.runs(s.runs().list(), s.runs().live()))));
    router
        .get("/api/viewer/runs/:id")
        .handler(
            ctx ->
                withStore(
                    ctx,
                    s ->
                        blocking(
                            ctx,
                            () ->
                                RunPageJson.run(
                                    s.runs().view(ctx.pathParam("id")),
                                    s.runs().live(),
                                    s.store()))));
    router.get("/api/viewer/runs/:id/neurons").handler(this::runNeurons);
    router
        .get("/api/viewer/runs/:id/results")
        .handler(
            ctx ->
                withStore(
                    ctx,
                    s ->
                        blocking(
                            ctx,
                            () -> {
                              String id = s.runs().view(ctx.pathParam("id")).runId();
                              return RunResultsJson.results(id, s.store());
                            })));
    router.get("/raw/*").handler(this::raw);
    FindRoutes.mount(
        router,
        vertx,
        stores,
        Map.of("Content-Security-Policy", CSP, "X-Content-Type-Options", "nosniff"));
  }

  private void page(RoutingContext ctx, String name) {
    Optional<WebAssets.Asset> asset = assets.get(name);
    if (asset.isEmpty()) {
      error(ctx, 404, "no such page: " + ctx.normalizedPath());
      return;
    }
    secure(ctx.response())
        .putHeader("Content-Type", asset.get().contentType())
        .putHeader("Cache-Control", "no-cache")
        .end(Buffer.buffer(asset.get().bytes()));
  }

  private void search(RoutingContext ctx) {
    SearchFilter filter;
    int offset;
    int limit;
    try {
      filter =
          new SearchFilter(
              QueryParams.intParam(ctx, "minLayer", 0),
              QueryParams.intParam(ctx, "maxLayer", Integer.MAX_VALUE),
              QueryParams.doubleParam(ctx, "minScore", Double.NEGATIVE_INFINITY),
              QueryParams.doubleParam(ctx, "maxScore", Double.POSITIVE_INFINITY));
      offset = Math.max(0, QueryParams.intParam(ctx, "offset", 0));
      limit = Math.min(MAX_LIMIT, Math.max(0, QueryParams.intParam(ctx, "limit", 50)));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    String query = Optional.ofNullable(ctx.request().getParam("q")).orElse("");
    withStore(ctx, s -> blocking(ctx, () -> s.search(query, filter, offset, limit)));
  }

  private void runNeurons(RoutingContext ctx) {
    NeuronState state;
    try {
      String given = ctx.request().getParam("state");
      state = given == null || given.isBlank() ? null : NeuronState.fromId(given.strip());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    withStore(
        ctx,
        s ->
            blocking(
                ctx,
                () ->
                    RunPageJson.neurons(
                        s.runs().neurons(ctx.pathParam("id"), state), s.runs().live())));
  }

  /** Looks for changed explanation files now, and answers once the index is up to date. */
  private void refresh(RoutingContext ctx) {
    withStore(
        ctx,
        s ->
            blocking(
                ctx,
                () -> {
                  ObjectNode node = json.createObjectNode();
                  try {
                    node.put(
                        "changed", s.refresh(true).get(REFRESH_WAIT_SECONDS, TimeUnit.SECONDS));
                    node.put("refreshing", false);
                  } catch (TimeoutException e) {
                    node.put("refreshing", true); // still reading; the page asks again later
                  }
                  return node;
                }));
  }

  private void info(RoutingContext ctx) {
    stores.rescanSoon(); // the store list is asked for on every page: new SAE datasets show up
    withStore(
        ctx,
        s ->
            blocking(
                ctx,
                () -> {
                  ObjectNode node = s.info();
                  var list = node.putArray("stores");
                  for (int i = 0; i < stores.entries().size(); i++) {
                    ViewerStores.Entry entry = stores.entries().get(i);
                    ObjectNode item = list.addObject().put("index", i).put("label", entry.label());
                    if (entry.sae() != null) {
                      // Where the runs of the parent store find this SAE's latents.
                      item.put("sae", entry.sae())
                          .put("parent", stores.entries().indexOf(entry.parent()));
                    }
                    if (entry.service() == s) {
                      node.put("current", i);
                    }
                  }
                  return node;
                }));
  }

  /** Runs {@code action} with the store the request names, or answers 404 naming the index. */
  private void withStore(RoutingContext ctx, Consumer<ViewerService> action) {
    String index = ctx.request().getParam("store");
    Optional<ViewerService> service = stores.resolve(index);
    if (service.isEmpty()) {
      error(ctx, 404, "no store " + index + " (this viewer has " + stores.entries().size() + ")");
    } else {
      action.accept(service.get());
    }
  }

  private void random(RoutingContext ctx) {
    withStore(ctx, s -> random(ctx, s));
  }

  private void random(RoutingContext ctx, ViewerService service) {
    vertx
        .executeBlocking(service::randomNeuron, false)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                error(ctx, 404, "no neuron known: the store has no explanations and no model size");
              } else {
                responses.send(ctx, 200, ViewerJson.neuron(json, found.get()));
              }
            })
        .onFailure(e -> error(ctx, 500, "cannot pick a neuron: " + PlainText.reason(e)));
  }

  private void raw(RoutingContext ctx) {
    String key = ctx.pathParam("*");
    if (key == null
        || !(NeuronFile.isLayoutKey(key)
            || key.equals(DatasetSubject.KEY)
            || RunMethodJson.isInputKey(key)
            || RunPageJson.isFailuresKey(key)
            || RunResultsJson.isResultsKey(key)
            || RunResultsJson.isSourceKey(key))) {
      error(
          ctx,
          404,
          "not a dataset file of this layout, its subject record, a view file's source, or a run's"
              + " input, failures or results: "
              + key);
      return;
    }
    withStore(ctx, s -> raw(ctx, s, key));
  }

  private void raw(RoutingContext ctx, ViewerService service, String key) {
    vertx
        .executeBlocking(() -> service.store().get(key), false)
        .onSuccess(
            bytes -> {
              if (bytes.isEmpty()) {
                error(ctx, 404, "no file " + key + " in this store");
              } else {
                secure(ctx.response())
                    .putHeader("Content-Type", JsonResponses.CONTENT_TYPE)
                    .end(Buffer.buffer(bytes.get()));
              }
            })
        .onFailure(e -> error(ctx, 502, key + " " + PlainText.readFailure(key, e)));
  }

  private Optional<NeuronId> neuronId(RoutingContext ctx) {
    try {
      return Optional.of(
          new NeuronId(
              Integer.parseInt(ctx.pathParam("layer")), Integer.parseInt(ctx.pathParam("neuron"))));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "layer and neuron must be non-negative integers");
      return Optional.empty();
    }
  }

  private void blocking(RoutingContext ctx, Callable<ObjectNode> answer) {
    responses.blocking(ctx, 200, answer, e -> e instanceof RunNotFoundException ? 404 : 500);
  }

  private void error(RoutingContext ctx, int status, String message) {
    responses.error(ctx, status, message);
  }

  private static HttpServerResponse secure(HttpServerResponse response) {
    return response
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff");
  }
}
