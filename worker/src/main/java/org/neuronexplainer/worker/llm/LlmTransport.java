package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends an {@link LlmRequest} and completes with the response's JSON body: the seam where the HTTP
 * client ({@link ClientTransport}) plugs into the explainers and simulators, and where tests plug
 * scripted answers. It completes exceptionally on transport errors after its own retries; the
 * callers only parse.
 */
@FunctionalInterface
public interface LlmTransport {
  CompletionStage<JsonNode> send(LlmRequest request);

  /**
   * The response to {@code request} could not be used (it did not parse): a transport with a cache
   * forgets it, so that no later run is served it. Completes when it is forgotten.
   */
  default CompletionStage<Void> discard(LlmRequest request) {
    return CompletableFuture.completedFuture(null);
  }

  /** A transport for backends that need no model: any call is a programming error. */
  static LlmTransport none() {
    return request -> {
      throw new IllegalStateException(
          "this backend needs no model, but it tried to call " + request.endpoint().path());
    };
  }
}
