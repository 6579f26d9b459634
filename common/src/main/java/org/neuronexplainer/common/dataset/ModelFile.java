package org.neuronexplainer.common.dataset;

import java.nio.charset.StandardCharsets;

/**
 * The size of the model a store's neurons come from, kept at {@link #KEY} of the store's root by
 * capture: {@code {"layers": 48, "neurons_per_layer": 6400}}. The viewer reads it to bound the jump
 * form, prev/next and the random neuron, and to tell a neuron the model lacks from one the store
 * has no data for.
 */
public final class ModelFile {

  public static final String KEY = "model.json";

  private ModelFile() {}

  /** The file's bytes for a model of {@code layers} layers of {@code neuronsPerLayer} neurons. */
  public static byte[] toJson(int layers, int neuronsPerLayer) {
    if (layers <= 0 || neuronsPerLayer <= 0) {
      throw new IllegalArgumentException(
          "model dimensions must be positive, got " + layers + " x " + neuronsPerLayer);
    }
    return ("{\"layers\": " + layers + ", \"neurons_per_layer\": " + neuronsPerLayer + "}\n")
        .getBytes(StandardCharsets.UTF_8);
  }
}
