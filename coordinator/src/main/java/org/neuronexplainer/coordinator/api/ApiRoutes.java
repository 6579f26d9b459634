package org.neuronexplainer.coordinator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.coordinator.http.JsonResponses;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.runs.PublishPendingException;
import org.neuronexplainer.coordinator.runs.RunConflictException;
import org.neuronexplainer.coordinator.runs.RunEstimates;
import org.neuronexplainer.coordinator.runs.RunNotFoundException;
import org.neuronexplainer.coordinator.runs.RunService;

/**
 * The REST API under {@code /api}: every route needs the bearer token. Handlers only translate
 * HTTP; the work runs in {@link RunService} through {@code executeBlocking}.
 */
public final class ApiRoutes implements Consumer<Router> {

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();
  private final JsonResponses responses;
  private final RunService runs;
  private final BearerAuth auth;
  private final RunEstimates estimates;
  private final WorkerExecutor estimating;

  /** The API without estimates: {@code POST /api/runs/estimate} answers 501. */
  public ApiRoutes(Vertx vertx, RunService runs, BearerAuth auth) {
    this(vertx, runs, auth, null);
  }

  /**
   * @param estimates counts {@code POST /api/runs/estimate}; null when this coordinator has no way
   *     to build prompts (the endpoint then answers 501)
   */
  public ApiRoutes(Vertx vertx, RunService runs, BearerAuth auth, RunEstimates estimates) {
    this.responses = new JsonResponses(vertx, mapper, Map.of());
    this.runs = runs;
    this.auth = auth;
    this.estimates = estimates;
    // Estimates of large plans take a while: they queue on threads of their own, so that they
    // never hold every thread of the pool the other requests are answered on.
    this.estimating =
        estimates == null
            ? null
            : vertx.createSharedWorkerExecutor(
                "coordinator-estimates", ESTIMATE_THREADS, 1, TimeUnit.HOURS);
  }

  @Override
  public void accept(Router router) {
    router.route("/api/*").handler(this::authorize);
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.route("/api/*").failureHandler(this::tooLarge);
    router.post("/api/runs").handler(ctx -> respond(ctx, 201, () -> runs.submit(spec(ctx))));
    router.post("/api/runs/estimate").handler(this::estimate);
    router.get("/api/runs").handler(ctx -> respond(ctx, 200, runs::list));
    router.get("/api/runs/:id").handler(ctx -> respond(ctx, 200, () -> runs.view(id(ctx))));
    router
        .get("/api/runs/:id/neurons")
        .handler(ctx -> respond(ctx, 200, () -> runs.neurons(id(ctx), state(ctx))));
    router
        .post("/api/runs/:id/requeue")
        .handler(
            ctx ->
                respond(ctx, 200, () -> Map.of("requeued", runs.requeue(id(ctx), neurons(ctx)))));
    router
        .post("/api/runs/:id/resume")
        .handler(ctx -> respond(ctx, 200, () -> runs.resume(id(ctx), budget(ctx))));
    router
        .post("/api/runs/:id/cancel")
        .handler(ctx -> respond(ctx, 200, () -> runs.cancel(id(ctx))));
  }

  /** How many estimates are counted at once; more wait for a thread. */
  static final int ESTIMATE_THREADS = 2;

  /** The largest request body the API reads: a run spec with its prompt texts fits in it. */
  static final int BODY_LIMIT = 1 << 20;

  /**
   * A body over the limit is the client's mistake, answered as one: 413 with the error body every
   * other refusal has, and no stack trace in the log. Other failures go on to the default handling.
   */
  private void tooLarge(RoutingContext ctx) {
    if (ctx.statusCode() == 413 && !ctx.response().ended()) {
      responses.error(
          ctx, 413, "request body too large: the API reads at most " + BODY_LIMIT + " bytes");
      return;
    }
    ctx.next();
  }

  private void authorize(RoutingContext ctx) {
    if (auth.allows(ctx.request().getHeader("Authorization"))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      responses.error(ctx, 401, "missing or wrong bearer token");
    }
  }

  /** The run id of the path; a malformed one is the client's mistake (400), not an unknown run. */
  private static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    RunSpec.checkRunId(id);
    return id;
  }

  private static NeuronState state(RoutingContext ctx) {
    String s = ctx.queryParams().get("state");
    return s == null || s.isBlank() ? null : NeuronState.fromId(s);
  }

  private RunSpec spec(RoutingContext ctx) throws Exception {
    JsonNode body = body(ctx);
    if (!body.hasNonNull("runId")) {
      ((ObjectNode) body).put("runId", RunService.newRunId(System.currentTimeMillis()));
    }
    RunSpec spec;
    try {
      spec = mapper.treeToValue(body, RunSpec.class);
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException bad ? bad : e;
      throw new IllegalArgumentException(
          cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage(),
          e);
    }
    spec.checkBackends();
    return spec;
  }

  /** A resume's new budget, {@code {"budgetUsd": 12.5}}; null when the body names none. */
  private Double budget(RoutingContext ctx) throws Exception {
    JsonNode budget = body(ctx).get("budgetUsd");
    if (budget == null || budget.isNull()) {
      return null;
    }
    if (!budget.isNumber()) {
      throw new IllegalArgumentException(
          "budgetUsd must be a positive number of US dollars, such as 5 or 0.25, got " + budget);
    }
    return budget.doubleValue();
  }

  private List<String> neurons(RoutingContext ctx) throws Exception {
    JsonNode body = body(ctx);
    List<String> out = new ArrayList<>();
    JsonNode list = body.get("neurons");
    if (list == null || list.isNull()) {
      return out; // every failed neuron
    }
    if (!list.isArray()) {
      // A string here ("0:0") must not read as "no list given", which re-queues every failure.
      throw new IllegalArgumentException(
          "neurons must be a list of \"layer:index\" strings, e.g. {\"neurons\": [\"3:17\"]}");
    }
    for (JsonNode neuron : list) {
      if (!neuron.isTextual()) {
        throw new IllegalArgumentException(
            "neurons must be a list of \"layer:index\" strings, got " + neuron);
      }
      out.add(neuron.textValue());
    }
    return out;
  }

  private JsonNode body(RoutingContext ctx) throws Exception {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return mapper.createObjectNode();
    }
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage(), e);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    return node;
  }

  /**
   * {@code POST /api/runs/estimate}: the body a submit takes, checked as a submit checks it, and
   * answered with the {@code RunEstimate} of what the run would send and cost. Nothing is written
   * or published.
   */
  private void estimate(RoutingContext ctx) {
    if (estimates == null) {
      responses.error(
          ctx,
          501,
          "this coordinator does not estimate runs: it was started without the workers' prompt"
              + " code (use `run --dry-run` over the store instead)");
      return;
    }
    responses.blocking(
        ctx, 200, () -> runs.estimate(spec(ctx), estimates), ApiRoutes::status, estimating);
  }

  private void respond(RoutingContext ctx, int status, Callable<Object> work) {
    responses.blocking(ctx, status, work, ApiRoutes::status);
  }

  private static int status(Throwable error) {
    if (error instanceof RunNotFoundException) {
      return 404;
    }
    if (error instanceof RunConflictException) {
      return 409;
    }
    if (error instanceof PublishPendingException) {
      return 503;
    }
    return error instanceof IllegalArgumentException ? 400 : 500;
  }
}
