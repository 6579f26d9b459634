package org.neuronexplainer.worker.capture;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one forward pass yields.
 *
 * @param activations per requested hook, {@code [batch, tokens, width]}
 * @param latents per requested SAE, by name, {@code [batch, tokens, d_sae]}
 * @param logits {@code [batch, tokens, vocab]} when asked for
 * @param reduced per hook the request reduced on the device, what came back instead of its
 *     activations
 */
public record ForwardResult(
    Map<Hook, FloatTensor> activations,
    Map<String, FloatTensor> latents,
    Optional<FloatTensor> logits,
    Map<Hook, ReducedBatch> reduced) {

  public ForwardResult {
    activations = Collections.unmodifiableMap(new TreeMap<>(activations));
    latents = Collections.unmodifiableMap(new TreeMap<>(latents));
    reduced = Collections.unmodifiableMap(new TreeMap<>(reduced));
  }

  public ForwardResult(
      Map<Hook, FloatTensor> activations,
      Map<String, FloatTensor> latents,
      Optional<FloatTensor> logits) {
    this(activations, latents, logits, Map.of());
  }

  public ForwardResult(Map<Hook, FloatTensor> activations, Optional<FloatTensor> logits) {
    this(activations, Map.of(), logits);
  }

  /** The MLP neurons of each layer asked for, by layer, in layer order. */
  public Map<Integer, FloatTensor> mlpActivations() {
    Map<Integer, FloatTensor> byLayer = new TreeMap<>();
    activations.forEach(
        (hook, tensor) -> {
          if (hook.kind() == Hook.Kind.MLP_NEURONS) {
            byLayer.put(hook.layer(), tensor);
          }
        });
    return Collections.unmodifiableMap(byLayer);
  }

  /** The MLP neurons of one layer; they must have been asked for. */
  public FloatTensor layer(int layer) {
    return hook(Hook.mlpNeurons(layer));
  }

  /** The activations at one hook; it must have been asked for. */
  public FloatTensor hook(Hook hook) {
    FloatTensor tensor = activations.get(hook);
    if (tensor == null) {
      throw new IllegalArgumentException(
          hook + " was not asked for (asked: " + activations.keySet() + ")");
    }
    return tensor;
  }

  /** The latents of the SAE named {@code sae}; it must have been asked for. */
  public FloatTensor latents(String sae) {
    FloatTensor tensor = latents.get(sae);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "the latents of SAE " + sae + " were not asked for (asked: " + latents.keySet() + ")");
    }
    return tensor;
  }
}
