package org.neuronexplainer.common.dataset;

import java.util.Objects;

/**
 * The tokens a neuron is most connected to through the weights alone: the input side (token
 * embedding to the neuron's input weights) and the output side (the neuron's output weights to the
 * unembedding), most positive and most negative.
 */
public record WeightBasedSummaryOfNeuron(
    TokensAndWeights inputPositive,
    TokensAndWeights inputNegative,
    TokensAndWeights outputPositive,
    TokensAndWeights outputNegative) {

  public WeightBasedSummaryOfNeuron {
    Objects.requireNonNull(inputPositive, "inputPositive");
    Objects.requireNonNull(inputNegative, "inputNegative");
    Objects.requireNonNull(outputPositive, "outputPositive");
    Objects.requireNonNull(outputNegative, "outputNegative");
  }
}
