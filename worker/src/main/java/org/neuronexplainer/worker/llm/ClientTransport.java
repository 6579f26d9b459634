package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The {@link LlmTransport} over the process's {@link LlmClient} for one neuron: every call's
 * tokens, cost and cache hits go to {@code account} (e.g. {@code client.usage().child()}) as well
 * as to the client's run totals, and a discarded response is removed from the client's cache.
 */
public record ClientTransport(LlmClient client, UsageAccumulator account) implements LlmTransport {

  public ClientTransport {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(account, "account");
  }

  /** A transport with a fresh account under the client's run totals. */
  public static ClientTransport forNeuron(LlmClient client) {
    return new ClientTransport(client, client.usage().child());
  }

  @Override
  public CompletionStage<JsonNode> send(LlmRequest request) {
    return client.send(request, account).thenApply(LlmResponse::body);
  }

  @Override
  public CompletionStage<Void> discard(LlmRequest request) {
    return client.forget(request).thenApply(removed -> null);
  }
}
