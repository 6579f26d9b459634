package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;

/** The JSON shapes of the viewer API that are not dataset files. Undefined scores are null. */
final class ViewerJson {

  /** Dead latents listed in the header's answer; all of them are in the raw subject file. */
  static final int DEAD_LATENTS_SHOWN = 100;

  private ViewerJson() {}

  /**
   * A dataset's subject as the pages show it: the record's fields, the unit's name, and the dead
   * latents as a count and the first {@value #DEAD_LATENTS_SHOWN}, since a wide SAE can have
   * thousands and every page asks for this.
   */
  static ObjectNode subject(ObjectMapper json, DatasetSubject subject) {
    ObjectNode node = json.createObjectNode();
    node.put("kind", subject.kind());
    node.put("unit", subject.unitName());
    node.put("model", subject.model());
    node.put("architecture", subject.architecture());
    node.put("sae", subject.sae());
    node.put("saeSource", subject.saeSource());
    node.put("saeArchitecture", subject.saeArchitecture());
    node.put("hook", subject.hook());
    node.put("layer", subject.layer());
    node.put("width", subject.width());
    node.put("excerpts", subject.excerpts());
    List<Integer> dead = subject.deadLatents();
    node.put("deadLatentCount", dead.size());
    ArrayNode shown = node.putArray("deadLatents");
    dead.subList(0, Math.min(DEAD_LATENTS_SHOWN, dead.size())).forEach(shown::add);
    node.put("key", DatasetSubject.KEY);
    return node;
  }

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
    node.put("badFileCount", catalog.badFileCount());
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
