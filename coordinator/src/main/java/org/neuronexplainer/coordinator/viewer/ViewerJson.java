package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.neuronexplainer.common.dataset.NeuronId;

/** The JSON shapes of the viewer API that are not dataset files. Undefined scores are null. */
final class ViewerJson {

  private ViewerJson() {}

  static ObjectNode neuron(ObjectMapper json, NeuronId id) {
    ObjectNode node = json.createObjectNode();
    node.put("layer", id.layerIndex());
    node.put("neuron", id.neuronIndex());
    return node;
  }

  static ObjectNode entry(ObjectMapper json, ExplanationEntry entry) {
    ObjectNode node = neuron(json, entry.neuron());
    node.put("rank", entry.rank());
    node.put("explanation", entry.explanation());
    putScore(node, "score", entry.score());
    return node;
  }

  static void putScore(ObjectNode node, String field, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  static ObjectNode overview(ObjectMapper json, StoreCatalog catalog) {
    ModelOverview overview = catalog.overview();
    ObjectNode node = json.createObjectNode();
    node.put("neurons", overview.neurons());
    node.put("explanations", catalog.index().size());
    node.put("files", catalog.fileCount());
    node.put("builtAt", catalog.builtAtMillis());
    putScore(node, "meanScore", overview.meanScore());
    node.put("histogramBins", ModelOverview.BINS);
    ArrayNode bad = node.putArray("badFiles");
    catalog.badFiles().forEach(bad::add);
    ArrayNode layers = node.putArray("layers");
    for (ModelOverview.Layer layer : overview.layers()) {
      ObjectNode l = layers.addObject();
      l.put("layer", layer.layer());
      l.put("neurons", layer.neurons());
      l.put("scored", layer.scored());
      putScore(l, "meanScore", layer.meanScore());
      ArrayNode histogram = l.putArray("histogram");
      for (int count : layer.histogram()) {
        histogram.add(count);
      }
      l.set("best", entries(json, layer.best()));
      l.set("worst", entries(json, layer.worst()));
    }
    return node;
  }

  static ObjectNode search(ObjectMapper json, ExplanationIndex.Result result) {
    ObjectNode node = json.createObjectNode();
    node.put("total", result.total());
    ArrayNode hits = node.putArray("hits");
    for (ExplanationIndex.Hit hit : result.hits()) {
      ObjectNode h = entry(json, hit.entry());
      h.put("relevance", hit.relevance());
      hits.add(h);
    }
    return node;
  }

  private static ArrayNode entries(ObjectMapper json, List<ExplanationEntry> entries) {
    ArrayNode array = json.createArrayNode();
    entries.forEach(e -> array.add(entry(json, e)));
    return array;
  }
}
