package org.neuronexplainer.worker.simulate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.ParseRetries;

/**
 * A {@link Simulator} that sends a protocol's requests concurrently through a transport and parses
 * the responses. A response that cannot be parsed is asked for again, up to {@code maxAttempts}
 * times in all; then the simulation fails with the last {@link SimulationParseException}.
 *
 * <p>A response that did not parse is discarded from the transport's cache and its retry bypasses
 * the cache ({@link ParseRetries}), so neither the retry nor a later run is served it again.
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
    return simulateGroup(explanation, List.of(tokens)).thenApply(simulations -> simulations.get(0));
  }

  /**
   * Every sequence simulated, in groups of the protocol's {@link
   * SimulationProtocol#sequencesPerCall} sent concurrently; a group whose response does not parse
   * is asked for again as a whole.
   */
  @Override
  public CompletionStage<List<SequenceSimulation>> simulateAll(
      String explanation, List<List<String>> sequences) {
    List<CompletableFuture<List<SequenceSimulation>>> groups =
        protocol.groups(sequences).stream()
            .map(group -> simulateGroup(explanation, group))
            .toList();
    return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new))
        .thenApply(done -> groups.stream().flatMap(group -> group.join().stream()).toList());
  }

  private CompletableFuture<List<SequenceSimulation>> simulateGroup(
      String explanation, List<List<String>> group) {
    return ParseRetries.send(
        transport,
        protocol.groupRequests(explanation, group),
        responses -> protocol.parseGroup(explanation, group, responses),
        SimulationParseException.class,
        maxAttempts,
        (attempts, last) ->
            new SimulationParseException(
                "no parseable response after " + attempts + " attempts", last));
  }
}
