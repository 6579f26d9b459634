package org.neuronexplainer.worker.simulate;

import java.util.List;
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
}
