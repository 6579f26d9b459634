package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The neurons most strongly connected to one neuron on one side, by weight. Neurons are named
 * {@code "{layer}_{neuron}"} as in the public files.
 */
public record NeuronConnections(
    List<String> topPositiveNeurons,
    double[] topPositiveWeights,
    List<String> topNegativeNeurons,
    double[] topNegativeWeights) {

  public NeuronConnections {
    topPositiveNeurons = List.copyOf(topPositiveNeurons);
    topPositiveWeights = topPositiveWeights.clone();
    topNegativeNeurons = List.copyOf(topNegativeNeurons);
    topNegativeWeights = topNegativeWeights.clone();
    if (topPositiveNeurons.size() != topPositiveWeights.length) {
      throw new IllegalArgumentException(
          "top_positive_neurons and top_positive_weights differ in length");
    }
    if (topNegativeNeurons.size() != topNegativeWeights.length) {
      throw new IllegalArgumentException(
          "top_negative_neurons and top_negative_weights differ in length");
    }
  }

  /** The file name of a neuron in these lists. */
  public static String name(NeuronId id) {
    return id.layerIndex() + "_" + id.neuronIndex();
  }

  @Override
  public double[] topPositiveWeights() {
    return topPositiveWeights.clone();
  }

  @Override
  public double[] topNegativeWeights() {
    return topNegativeWeights.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NeuronConnections other
        && topPositiveNeurons.equals(other.topPositiveNeurons)
        && Floats.same(topPositiveWeights, other.topPositiveWeights)
        && topNegativeNeurons.equals(other.topNegativeNeurons)
        && Floats.same(topNegativeWeights, other.topNegativeWeights);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        topPositiveNeurons,
        Arrays.hashCode(topPositiveWeights),
        topNegativeNeurons,
        Arrays.hashCode(topNegativeWeights));
  }
}
