package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A neuron's mean activation per vocabulary token over a corpus, highest first. */
public record TokenLookupTableSummaryOfNeuron(List<String> tokens, double[] averageActivations) {

  public TokenLookupTableSummaryOfNeuron {
    tokens = List.copyOf(tokens);
    averageActivations = averageActivations.clone();
    if (tokens.size() != averageActivations.length) {
      throw new IllegalArgumentException(
          "tokens and average_activations differ in length: "
              + tokens.size()
              + " tokens, "
              + averageActivations.length
              + " averages");
    }
  }

  @Override
  public double[] averageActivations() {
    return averageActivations.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenLookupTableSummaryOfNeuron other
        && tokens.equals(other.tokens)
        && Floats.same(averageActivations, other.averageActivations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokens, Arrays.hashCode(averageActivations));
  }
}
