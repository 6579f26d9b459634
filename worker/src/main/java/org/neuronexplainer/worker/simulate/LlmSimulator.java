package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.prompt.LlmRequest;
import org.neuronexplainer.worker.prompt.LlmTransport;

/**
 * A {@link Simulator} that sends a protocol's requests concurrently through a transport and parses
 * the responses. A response that cannot be parsed is asked for again, up to {@code maxAttempts}
 * times in all; then the simulation fails with the last {@link SimulationParseException}.
 *
 * <p>A retry sends the same request bodies, so a transport with a response cache must not serve a
 * retried request from it: it should store only responses that were parsed, or key retries apart.
 */
public final class LlmSimulator implements Simulator {
  /** Attempts per sequence when responses do not parse. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  private final SimulationProtocol protocol;
  private final LlmTransport transport;
  private final int maxAttempts;

  public LlmSimulator(SimulationProtocol protocol, LlmTransport transport, int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1");
    }
    this.protocol = protocol;
    this.transport = transport;
    this.maxAttempts = maxAttempts;
  }

  public LlmSimulator(SimulationProtocol protocol, LlmTransport transport) {
    this(protocol, transport, DEFAULT_MAX_ATTEMPTS);
  }

  @Override
  public CompletionStage<SequenceSimulation> simulate(String explanation, List<String> tokens) {
    return attempt(explanation, tokens, protocol.requests(explanation, tokens), 1);
  }

  private CompletionStage<SequenceSimulation> attempt(
      String explanation, List<String> tokens, List<LlmRequest> requests, int attempt) {
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>(requests.size());
    for (LlmRequest request : requests) {
      calls.add(transport.send(request).toCompletableFuture());
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              List<JsonNode> responses = calls.stream().map(CompletableFuture::join).toList();
              try {
                return CompletableFuture.completedFuture(
                    protocol.parse(explanation, tokens, responses));
              } catch (SimulationParseException e) {
                if (attempt >= maxAttempts) {
                  throw new CompletionException(
                      new SimulationParseException(
                          "no parseable response after " + attempt + " attempts", e));
                }
                return attempt(explanation, tokens, requests, attempt + 1);
              }
            });
  }
}
