package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * A run's own results as its run page lists them, read from {@code runs/{runId}/explanations/}
 * (never from the store's view, which may show another run's): per neuron its top explanation, its
 * mean score, and whether the view shows this run's file now. A neuron that failed in the run has
 * no file there, so it has no score here, whatever the view shows.
 */
final class RunResultsJson {

  /** Neurons listed per page; the rest are counted. */
  static final int SHOWN = 100;

  private static final Pattern FILE = Pattern.compile("(\\d+)/(\\d+)\\.jsonl");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunResultsJson() {}

  static ObjectNode results(String runId, BlobStore store) {
    String folder = RunRecords.runExplanationsPrefix(runId);
    ObjectNode node = JSON.createObjectNode();
    node.put("folder", folder);
    List<NeuronId> neurons = new ArrayList<>();
    try {
      for (String key : store.list(folder)) {
        Matcher m = FILE.matcher(key.substring(folder.length()));
        if (m.matches()) {
          neurons.add(new NeuronId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
        }
      }
    } catch (UnsupportedOperationException e) {
      node.put("listable", false);
      return node;
    }
    neurons.sort(
        Comparator.comparingInt(NeuronId::layerIndex).thenComparingInt(NeuronId::neuronIndex));
    node.put("listable", true);
    node.put("total", neurons.size());
    ArrayNode rows = node.putArray("neurons");
    RunRecords view = viewOf(runId, store);
    for (NeuronId id : neurons.subList(0, Math.min(SHOWN, neurons.size()))) {
      rows.add(row(runId, id, store, view));
    }
    return node;
  }

  /**
   * The records of the view the run publishes to: the store's own, or, for a run over an SAE's
   * latents, its SAE folder's.
   */
  private static RunRecords viewOf(String runId, BlobStore store) {
    RunRecords records = new RunRecords(store);
    try {
      return records
          .spec(runId)
          .filter(spec -> spec.sae() != null)
          .map(spec -> new RunRecords(spec.datasetStore(store)))
          .orElse(records);
    } catch (RuntimeException e) {
      return records; // an unreadable spec: its results are still listed, against the root view
    }
  }

  private static ObjectNode row(String runId, NeuronId id, BlobStore store, RunRecords records) {
    String key = RunRecords.runExplanationKey(runId, id);
    ObjectNode row = JSON.createObjectNode();
    row.put("neuron", id.layerIndex() + ":" + id.neuronIndex());
    row.put("key", key);
    try {
      Optional<byte[]> bytes = store.get(key);
      if (bytes.isEmpty()) {
        row.put("status", "missing");
        return row;
      }
      NeuronSimulationResults results =
          DatasetJson.read(bytes.get(), key, NeuronSimulationResults.class);
      List<ScoredExplanation> scored = results.scoredExplanations();
      row.put("status", "ok");
      if (!scored.isEmpty()) {
        row.put("explanation", scored.get(0).explanation());
      }
      ViewerJson.putScore(
          row,
          "score",
          scored.stream()
              .mapToDouble(ScoredExplanation::score)
              .filter(d -> !Double.isNaN(d))
              .average()
              .orElse(Double.NaN));
      Optional<ExplanationSource> shown = records.explanationSource(id);
      row.put(
          "inView",
          shown.isPresent()
              && runId.equals(shown.get().runId())
              && RunInput.sha256(bytes.get()).equals(shown.get().sha256()));
    } catch (DatasetFormatException e) {
      row.put("status", "error");
      row.put("message", e.getMessage());
    } catch (UncheckedIOException | IllegalArgumentException e) {
      row.put("status", "error");
      row.put("message", "cannot read " + key + ": " + e.getMessage());
    }
    return row;
  }

  /** Whether {@code key} is a file of a run's own results, which {@code /raw/} serves. */
  static boolean isResultsKey(String key) {
    return key.matches("runs/[A-Za-z0-9][A-Za-z0-9._-]{0,99}/explanations/\\d+/\\d+\\.jsonl");
  }

  /** Whether {@code key} is the source record of a view file, which {@code /raw/} serves. */
  static boolean isSourceKey(String key) {
    return key.matches("explanation-sources/\\d+/\\d+\\.json");
  }
}
