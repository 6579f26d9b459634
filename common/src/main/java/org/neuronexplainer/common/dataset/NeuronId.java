package org.neuronexplainer.common.dataset;

/** A neuron: its 0-based layer and its 0-based index within that layer's MLP. */
public record NeuronId(int layerIndex, int neuronIndex) implements Comparable<NeuronId> {

  public NeuronId {
    if (layerIndex < 0 || neuronIndex < 0) {
      throw new IllegalArgumentException(
          "layer and neuron indices must be non-negative, got " + layerIndex + ":" + neuronIndex);
    }
  }

  @Override
  public int compareTo(NeuronId other) {
    int byLayer = Integer.compare(layerIndex, other.layerIndex);
    return byLayer != 0 ? byLayer : Integer.compare(neuronIndex, other.neuronIndex);
  }

  @Override
  public String toString() {
    return layerIndex + ":" + neuronIndex;
  }
}
