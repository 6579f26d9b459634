package org.neuronexplainer.coordinator.viewer;

import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * Previous and next neuron, in (layer, neuron) order, across layer ends where the dims are known.
 */
final class NeuronNavigation {

  private NeuronNavigation() {}

  static Optional<NeuronId> previous(NeuronId id, Optional<ModelDims> dims) {
    if (id.neuronIndex() > 0) {
      return Optional.of(new NeuronId(id.layerIndex(), id.neuronIndex() - 1));
    }
    if (dims.isPresent() && id.layerIndex() > dims.get().firstLayer()) {
      return Optional.of(new NeuronId(id.layerIndex() - 1, dims.get().neuronsPerLayer() - 1));
    }
    return Optional.empty();
  }

  static Optional<NeuronId> next(NeuronId id, Optional<ModelDims> dims) {
    if (dims.isEmpty()) {
      return Optional.of(new NeuronId(id.layerIndex(), id.neuronIndex() + 1));
    }
    if (id.neuronIndex() + 1 < dims.get().neuronsPerLayer()) {
      return Optional.of(new NeuronId(id.layerIndex(), id.neuronIndex() + 1));
    }
    if (id.layerIndex() + 1 < dims.get().layers()) {
      return Optional.of(new NeuronId(id.layerIndex() + 1, 0));
    }
    return Optional.empty();
  }
}
