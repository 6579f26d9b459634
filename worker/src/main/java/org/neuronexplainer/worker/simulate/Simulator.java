package org.neuronexplainer.worker.simulate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.SequenceSimulation;

/**
 * Predicts a neuron's activation on each token of a sequence from an explanation (docs/method.md
 * 4). The result is on the simulator's 0..10 scale ({@code simulated_normalized_activations}), with
 * the caller's tokens. It completes exceptionally when no valid prediction could be had: a failure
 * is never turned into a simulation of zeros.
 */
@FunctionalInterface
public interface Simulator {
  CompletionStage<SequenceSimulation> simulate(String explanation, List<String> tokens);

  /**
   * Every one of {@code sequences} (one split of a neuron) simulated, the results in their order;
   * fails if any one fails. By default each is simulated on its own, all concurrently; a simulator
   * that simulates several sequences in one call groups them.
   */
  default CompletionStage<List<SequenceSimulation>> simulateAll(
      String explanation, List<List<String>> sequences) {
    List<CompletableFuture<SequenceSimulation>> futures =
        sequences.stream()
            .map(tokens -> simulate(explanation, tokens).toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }
}
