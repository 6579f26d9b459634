package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import org.neuronexplainer.common.dataset.ModelFile;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.HttpsBlobStore;

/**
 * How many layers and neurons per layer a store's model has, which bounds the jump form, prev/next
 * and the random neuron where the store cannot be listed. An SAE's dataset has units in one layer
 * only, the hook's: its dims start at {@code firstLayer}.
 *
 * @param layers one past the last layer with units
 * @param firstLayer the first layer with units (0 for a model's neurons)
 */
public record ModelDims(int layers, int neuronsPerLayer, int firstLayer) {

  /** The file a store may carry at its root: {@code {"layers": 48, "neurons_per_layer": 6400}}. */
  public static final String MODEL_FILE = ModelFile.KEY;

  public ModelDims {
    if (layers <= 0 || neuronsPerLayer <= 0) {
      throw new IllegalArgumentException(
          "model dimensions must be positive, got " + layers + " x " + neuronsPerLayer);
    }
    if (firstLayer < 0 || firstLayer >= layers) {
      throw new IllegalArgumentException(
          "the first layer must be in [0, " + layers + "), got " + firstLayer);
    }
  }

  /** A model's layers 0 to {@code layers - 1}. */
  public ModelDims(int layers, int neuronsPerLayer) {
    this(layers, neuronsPerLayer, 0);
  }

  /** The one layer of an SAE's latents: {@code width} latents at {@code layer}. */
  public static ModelDims oneLayer(int layer, int width) {
    return new ModelDims(layer + 1, width, layer);
  }

  /** GPT-2 XL, OpenAI's {@code neuron-explainer/data/} container (docs/method.md 8.1). */
  public static final ModelDims GPT2_XL = new ModelDims(48, 6400);

  /** GPT-2 small, OpenAI's {@code neuron-explainer/gpt2_small_data/} container. */
  public static final ModelDims GPT2_SMALL = new ModelDims(12, 3072);

  public boolean contains(NeuronId id) {
    return id.layerIndex() >= firstLayer
        && id.layerIndex() < layers
        && id.neuronIndex() < neuronsPerLayer;
  }

  /**
   * The store's dimensions: its {@value #MODEL_FILE} if it has one, else those of the public
   * container it is, else empty (then they come from the explanations found, or the user).
   */
  public static Optional<ModelDims> of(BlobStore store) {
    Optional<byte[]> file = store.get(MODEL_FILE);
    if (file.isPresent()) {
      return Optional.of(parse(file.get()));
    }
    if (store instanceof HttpsBlobStore https) {
      String base = https.base().toString();
      if (base.endsWith("/neuron-explainer/data/")) {
        return Optional.of(GPT2_XL);
      }
      if (base.endsWith("/neuron-explainer/gpt2_small_data/")) {
        return Optional.of(GPT2_SMALL);
      }
    }
    return Optional.empty();
  }

  static ModelDims parse(byte[] json) {
    try {
      JsonNode node = new ObjectMapper().readTree(json);
      JsonNode layers = node.path("layers");
      JsonNode neurons = node.path("neurons_per_layer");
      if (!layers.canConvertToInt() || !neurons.canConvertToInt()) {
        throw new IllegalArgumentException(
            MODEL_FILE + " needs integer fields \"layers\" and \"neurons_per_layer\"");
      }
      return new ModelDims(layers.intValue(), neurons.intValue());
    } catch (IOException e) {
      throw new IllegalArgumentException(MODEL_FILE + " is not valid JSON: " + e.getMessage(), e);
    }
  }
}
