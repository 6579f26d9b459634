package org.neuronexplainer.worker.capture;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one forward pass yields.
 *
 * @param mlpActivations per selected layer, in layer order, the MLP post-activations (the gelu_new
 *     output), {@code [batch, tokens, neurons]}
 * @param logits {@code [batch, tokens, vocab]} when asked for
 */
public record ForwardResult(
    Map<Integer, FloatTensor> mlpActivations, Optional<FloatTensor> logits) {

  public ForwardResult {
    mlpActivations = Collections.unmodifiableMap(new TreeMap<>(mlpActivations));
  }

  /** The activations of one layer; it must have been selected. */
  public FloatTensor layer(int layer) {
    FloatTensor tensor = mlpActivations.get(layer);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "layer " + layer + " was not selected (selected: " + mlpActivations.keySet() + ")");
    }
    return tensor;
  }
}
