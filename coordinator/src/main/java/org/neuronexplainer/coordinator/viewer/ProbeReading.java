package org.neuronexplainer.coordinator.viewer;

import java.util.List;

/**
 * What a {@link NeuronProbe} read for a text.
 *
 * @param tokens the text's tokens as the model's tokenizer splits it
 * @param activations the neuron's activation on each token
 * @param predicted the simulator's prediction for each token (its 0 to 10 scale); null when none
 * @param noPrediction why there is no prediction, in plain words; null when there is one
 */
public record ProbeReading(
    List<String> tokens, double[] activations, double[] predicted, String noPrediction) {

  public ProbeReading {
    tokens = List.copyOf(tokens);
    activations = activations.clone();
    if (activations.length != tokens.size()) {
      throw new IllegalArgumentException(
          tokens.size() + " tokens but " + activations.length + " activations");
    }
    if (predicted != null) {
      predicted = predicted.clone();
      if (predicted.length != tokens.size()) {
        throw new IllegalArgumentException(
            tokens.size() + " tokens but " + predicted.length + " predicted activations");
      }
    }
  }
}
