package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The {@link LlmTransport} of a neuron of a batch run: every call is answered from the response
 * cache or parked for the batcher ({@link LlmClient#sendBatched}), its cost counted at batch prices
 * in {@code account}.
 */
public record BatchTransport(LlmClient client, UsageAccumulator account, BatchCaller caller)
    implements LlmTransport {

  public BatchTransport {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(caller, "caller");
  }

  @Override
  public CompletionStage<JsonNode> send(LlmRequest request) {
    return client.sendBatched(request, account, caller).thenApply(LlmResponse::body);
  }

  @Override
  public CompletionStage<Void> discard(LlmRequest request) {
    return client.forget(request).thenApply(removed -> null);
  }
}
