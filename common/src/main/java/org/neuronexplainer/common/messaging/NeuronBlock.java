package org.neuronexplainer.common.messaging;

/** Neurons {@code first..first+count-1} of one layer: the unit of collate and weights jobs. */
public record NeuronBlock(int layer, int first, int count) {

  public NeuronBlock {
    if (layer < 0 || first < 0 || count < 1) {
      throw new IllegalArgumentException(
          "bad neuron block: layer " + layer + ", first " + first + ", count " + count);
    }
  }

  @Override
  public String toString() {
    return "layer:" + layer + "/neurons:" + first + "-" + (first + count - 1);
  }
}
