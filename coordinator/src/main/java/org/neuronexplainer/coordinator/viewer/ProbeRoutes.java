package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.coordinator.http.JsonResponses;

/**
 * The API of the neuron page's "try it on your text" box: {@code GET /api/viewer/probe} says
 * whether the viewer has a model to run (and how to give it one), {@code POST /api/viewer/probe}
 * with {@code {"layer", "neuron", "text", "explanation"}} runs it through a {@link BoundedProbe}.
 * The pass runs on the probe's own threads; the event loop only waits for the answer.
 */
final class ProbeRoutes {

  static final String HOW_TO_ENABLE =
      "To try a neuron on your own text here, start the viewer with the model whose neurons"
          + " these are: serve --model DIR (a checkpoint directory).";
  // The text is at most a few thousand characters; the rest of the body is a few numbers.
  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final ViewerStores stores;
  private final Optional<BoundedProbe> probe;
  private final ObjectMapper json = new ObjectMapper();
  private final JsonResponses responses;

  private ProbeRoutes(
      Vertx vertx, ViewerStores stores, Optional<BoundedProbe> probe, Map<String, String> headers) {
    this.vertx = vertx;
    this.stores = stores;
    this.probe = probe;
    this.responses = new JsonResponses(vertx, json, headers);
  }

  static void mount(
      Router router,
      Vertx vertx,
      ViewerStores stores,
      Optional<BoundedProbe> probe,
      Map<String, String> headers) {
    ProbeRoutes routes = new ProbeRoutes(vertx, stores, probe, headers);
    router.get("/api/viewer/probe").handler(routes::describe);
    router
        .post("/api/viewer/probe")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(routes::run);
  }

  private void describe(RoutingContext ctx) {
    ObjectNode node = json.createObjectNode();
    Optional<String> unavailable = unavailable(ctx);
    node.put("available", unavailable.isEmpty());
    if (unavailable.isPresent()) {
      node.put("reason", unavailable.get());
    } else {
      NeuronProbe model = probe.get().probe();
      node.put("model", model.describe());
      node.put("layers", model.dims().layers());
      node.put("neuronsPerLayer", model.dims().neuronsPerLayer());
      node.put("maxChars", probe.get().limits().maxChars());
      node.put("predicts", model.noPrediction().isEmpty());
      model.noPrediction().ifPresent(why -> node.put("noPrediction", why));
    }
    responses.send(ctx, 200, node);
  }

  /** Why the box cannot run for the store the request names; empty when it can. */
  private Optional<String> unavailable(RoutingContext ctx) {
    if (probe.isEmpty()) {
      return Optional.of(HOW_TO_ENABLE);
    }
    Optional<ViewerService> store = stores.resolve(ctx.request().getParam("store"));
    if (store.isPresent()
        && store.get().subject().filter(DatasetSubject::holdsSaeLatents).isPresent()) {
      return Optional.of(
          "Trying your own text runs the model's MLP neurons; this store holds an SAE's latents,"
              + " which the viewer does not compute.");
    }
    return Optional.empty();
  }

  private void run(RoutingContext ctx) {
    Optional<String> unavailable = unavailable(ctx);
    if (unavailable.isPresent()) {
      responses.error(ctx, probe.isEmpty() ? 501 : 400, unavailable.get());
      return;
    }
    Request request;
    try {
      request =
          Request.parse(
              json, ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (IllegalArgumentException e) {
      responses.error(ctx, 400, e.getMessage());
      return;
    }
    BoundedProbe bounded = probe.get();
    vertx
        .executeBlocking(
            () -> bounded.read(request.neuron(), request.text(), request.explanation()), false)
        .onSuccess(reading -> responses.send(ctx, 200, answer(request.neuron(), reading)))
        .onFailure(
            e -> {
              if (e instanceof BoundedProbe.Refused refused) {
                if (refused.status() == 503) {
                  ctx.response().putHeader("Retry-After", "5");
                }
                responses.error(ctx, refused.status(), refused.getMessage());
              } else {
                responses.error(ctx, 500, "The model could not run on this text.");
              }
            });
  }

  private ObjectNode answer(NeuronId neuron, ProbeReading reading) {
    ObjectNode node = json.createObjectNode();
    node.set("neuron", ViewerJson.neuron(json, neuron));
    ArrayNode tokens = node.putArray("tokens");
    reading.tokens().forEach(tokens::add);
    node.set("activations", numbers(reading.activations()));
    if (reading.predicted() == null) {
      node.putNull("predicted");
      node.put("noPrediction", reading.noPrediction());
    } else {
      node.set("predicted", numbers(reading.predicted()));
    }
    return node;
  }

  private ArrayNode numbers(double[] values) {
    ArrayNode array = json.createArrayNode();
    for (double value : values) {
      if (Double.isFinite(value)) {
        array.add(value);
      } else {
        array.addNull();
      }
    }
    return array;
  }

  /** The body of a POST, checked for shape; the limits are the probe's. */
  record Request(NeuronId neuron, String text, String explanation) {

    static Request parse(ObjectMapper json, byte[] body) {
      JsonNode root;
      try {
        root = json.readTree(body);
      } catch (IOException e) {
        root = null;
      }
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("Expected a JSON object with layer, neuron and text.");
      }
      JsonNode layer = root.path("layer");
      JsonNode neuron = root.path("neuron");
      if (!layer.canConvertToInt()
          || !neuron.canConvertToInt()
          || !layer.isIntegralNumber()
          || !neuron.isIntegralNumber()
          || layer.intValue() < 0
          || neuron.intValue() < 0) {
        throw new IllegalArgumentException("layer and neuron must be non-negative integers.");
      }
      JsonNode text = root.path("text");
      if (!text.isTextual()) {
        throw new IllegalArgumentException("text must be a string.");
      }
      JsonNode explanation = root.path("explanation");
      if (!explanation.isMissingNode() && !explanation.isNull() && !explanation.isTextual()) {
        throw new IllegalArgumentException("explanation must be a string.");
      }
      return new Request(
          new NeuronId(layer.intValue(), neuron.intValue()),
          text.textValue(),
          explanation.isTextual() ? explanation.textValue() : null);
    }
  }
}
