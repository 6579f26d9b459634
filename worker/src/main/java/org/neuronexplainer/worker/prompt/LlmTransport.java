package org.neuronexplainer.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Sends an {@link LlmRequest} and completes with the response's JSON body: the seam where the HTTP
 * client plugs into the explainers and simulators. It completes exceptionally on transport errors
 * after its own retries; the callers here only parse.
 */
@FunctionalInterface
public interface LlmTransport {
  CompletionStage<JsonNode> send(LlmRequest request);

  /** A transport for backends that need no model: any call is a programming error. */
  static LlmTransport none() {
    return request -> {
      throw new IllegalStateException(
          "this backend needs no model, but it tried to call " + request.endpoint().path());
    };
  }
}
