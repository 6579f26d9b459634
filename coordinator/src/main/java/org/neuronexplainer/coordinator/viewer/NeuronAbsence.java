package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * What the neuron page says instead of its panels when there is nothing to show: a neuron the model
 * does not have (its layer or index past the model's dimensions), or one the store holds no file
 * for. Either way the answer names real neurons to go to, so the page is never a dead end.
 */
final class NeuronAbsence {

  private NeuronAbsence() {}

  /**
   * The answer for {@code id} outside {@code dims}: {@code exists: false}, a sentence saying what
   * the model (or SAE) has, and the nearest, first and last real neurons as {@code suggestions}.
   */
  static ObjectNode outsideModel(
      ObjectMapper json, NeuronId id, ModelDims dims, Optional<DatasetSubject> subject) {
    String unit = subject.map(DatasetSubject::unitName).orElse("neuron");
    ObjectNode page = json.createObjectNode();
    page.set("neuron", ViewerJson.neuron(json, id));
    page.put("unit", unit);
    page.put("exists", false);
    page.put("empty", true);
    page.put("message", describe(id, dims, unit));
    ObjectNode d = page.putObject("dims");
    d.put("layers", dims.layers());
    d.put("neuronsPerLayer", dims.neuronsPerLayer());
    d.put("firstLayer", dims.firstLayer());
    ArrayNode suggestions = page.putArray("suggestions");
    for (NeuronId real : suggestions(id, dims)) {
      suggestions.add(ViewerJson.neuron(json, real));
    }
    return page;
  }

  /**
   * The answer for {@code id} past the layers' {@code width} where only that is known (a store's
   * {@code subject.json} without a {@code model.json}): it does not exist, whatever the layers.
   */
  static ObjectNode outsideWidth(ObjectMapper json, NeuronId id, int width, String unit) {
    ObjectNode page = json.createObjectNode();
    page.set("neuron", ViewerJson.neuron(json, id));
    page.put("unit", unit);
    page.put("exists", false);
    page.put("empty", true);
    page.put(
        "message",
        Character.toUpperCase(unit.charAt(0))
            + unit.substring(1)
            + " "
            + id.layerIndex()
            + ":"
            + id.neuronIndex()
            + " does not exist: each layer has "
            + width
            + " "
            + plural(unit, width)
            + " (0 to "
            + (width - 1)
            + "). This store does not record how many layers the model has.");
    page.putNull("dims");
    ArrayNode suggestions = page.putArray("suggestions");
    suggestions.add(ViewerJson.neuron(json, new NeuronId(id.layerIndex(), width - 1)));
    suggestions.add(ViewerJson.neuron(json, new NeuronId(id.layerIndex(), 0)));
    return page;
  }

  /**
   * "Neuron 99:99999 does not exist: the model has 4 layers (0 to 3) of 256 neurons (0 to 255)."
   */
  static String describe(NeuronId id, ModelDims dims, String unit) {
    String name =
        Character.toUpperCase(unit.charAt(0))
            + unit.substring(1)
            + " "
            + id.layerIndex()
            + ":"
            + id.neuronIndex()
            + " does not exist: ";
    String units =
        dims.neuronsPerLayer()
            + " "
            + plural(unit, dims.neuronsPerLayer())
            + " (0 to "
            + (dims.neuronsPerLayer() - 1)
            + ")";
    if (unit.equals("latent")) {
      return name + "this dataset has " + units + ", all at layer " + dims.firstLayer() + ".";
    }
    int layers = dims.layers() - dims.firstLayer();
    return name
        + "the model has "
        + layers
        + " "
        + plural("layer", layers)
        + " ("
        + (layers == 1
            ? String.valueOf(dims.firstLayer())
            : dims.firstLayer() + " to " + (dims.layers() - 1))
        + ") of "
        + units
        + ".";
  }

  /** The real neuron nearest to {@code id}, the first and the last, each once. */
  static Set<NeuronId> suggestions(NeuronId id, ModelDims dims) {
    Set<NeuronId> out = new LinkedHashSet<>();
    int layer = Math.max(dims.firstLayer(), Math.min(dims.layers() - 1, id.layerIndex()));
    int neuron = Math.min(dims.neuronsPerLayer() - 1, id.neuronIndex());
    out.add(new NeuronId(layer, neuron));
    out.add(new NeuronId(dims.firstLayer(), 0));
    out.add(new NeuronId(dims.layers() - 1, dims.neuronsPerLayer() - 1));
    return out;
  }

  /**
   * Whether the store holds nothing for the page's neuron: every file missing and no recorded
   * explanation source. The page then says so once rather than in every panel.
   */
  static boolean nothingStored(ObjectNode page) {
    for (JsonNode file : page.path("files")) {
      if (!"missing".equals(file.path("status").asText())) {
        return false;
      }
    }
    String source = page.path("source").path("status").asText();
    return source.equals("unrecorded") || source.equals("none");
  }

  private static String plural(String word, int count) {
    return count == 1 ? word : word + "s";
  }
}
