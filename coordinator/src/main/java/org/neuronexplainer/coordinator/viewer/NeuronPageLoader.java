package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.neuronexplainer.common.dataset.NeuronConnections;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * Everything the neuron page shows, read from the store (blocking): each file as {@code ok} with
 * its canonical JSON, {@code missing}, or {@code error} with a message naming the file; the run the
 * explanations file comes from ({@link #source}); and the top explanation of each related neuron,
 * read in parallel because on the https store each is a round trip.
 */
final class NeuronPageLoader {

  /** Related neurons summarized per list; the page shows this many. */
  static final int RELATED_PER_LIST = 5;

  private final BlobStore store;
  private final ExecutorService reads;
  private final ObjectMapper json = new ObjectMapper();

  NeuronPageLoader(BlobStore store, ExecutorService reads) {
    this.store = store;
    this.reads = reads;
  }

  /** A file's outcome; {@code value} is set when it parsed. */
  record Loaded<T>(String key, String status, T value, String message) {}

  <T> Loaded<T> load(NeuronFile file, NeuronId id, Class<T> type) {
    String key = file.key(id);
    Optional<byte[]> bytes;
    try {
      bytes = store.get(key);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      return new Loaded<>(key, "error", null, key + " " + PlainText.readFailure(key, e));
    }
    if (bytes.isEmpty()) {
      return new Loaded<>(key, "missing", null, null);
    }
    try {
      return new Loaded<>(key, "ok", type.cast(file.read(bytes.get(), key)), null);
    } catch (DatasetFormatException e) {
      return new Loaded<>(key, "error", null, PlainText.reason(e));
    } catch (IllegalArgumentException e) {
      // The classification reader's messages start with the key already.
      String message = PlainText.reason(e);
      return new Loaded<>(
          key,
          "error",
          null,
          message.startsWith(key) ? message : "cannot read " + key + ": " + message);
    }
  }

  ObjectNode page(NeuronId id) {
    Map<NeuronFile, CompletableFuture<Loaded<?>>> pending = new LinkedHashMap<>();
    for (NeuronFile file : NeuronFile.all()) {
      pending.put(file, CompletableFuture.supplyAsync(() -> load(file, id, file.type()), reads));
    }
    ObjectNode files = json.createObjectNode();
    RelatedNeurons related = null;
    for (var entry : pending.entrySet()) {
      Loaded<?> loaded = entry.getValue().join();
      files.set(entry.getKey().apiName(), describe(entry.getKey(), loaded));
      if (loaded.value() instanceof RelatedNeurons r) {
        related = r;
      }
    }
    ObjectNode page = json.createObjectNode();
    page.set("files", files);
    page.set("source", source(id));
    page.set("relatedSummaries", related == null ? json.createObjectNode() : summaries(related));
    return page;
  }

  /**
   * Where the view's explanations file came from: {@code recorded} with its {@link
   * ExplanationSource} while the source names the file as it is, {@code stale} when the file was
   * replaced since (by a run racing the one named, or by hand), {@code unrecorded} when the store
   * keeps no source (a public dataset, or a file from before sources were kept), {@code none}
   * without a file.
   */
  ObjectNode source(NeuronId id) {
    ObjectNode node = json.createObjectNode();
    String key = RunRecords.explanationSourceKey(id);
    node.put("key", key);
    try {
      Optional<ExplanationSource> recorded = new RunRecords(store).explanationSource(id);
      Optional<byte[]> shown =
          recorded.isPresent() ? store.get(NeuronFile.EXPLANATIONS.key(id)) : Optional.empty();
      if (recorded.isEmpty() || shown.isEmpty()) {
        node.put("status", recorded.isEmpty() ? "unrecorded" : "none");
        return node;
      }
      ExplanationSource source = recorded.get();
      node.put("status", source.describes(shown.get()) ? "recorded" : "stale");
      node.put("runId", source.runId());
      node.put("methodVersion", source.methodVersion());
      ViewerJson.putScore(node, "score", source.score() == null ? Double.NaN : source.score());
      node.put("publish", source.publish());
      node.put("writtenMillis", source.writtenMillis());
      if (source.runId() != null) {
        node.put("runResults", RunRecords.runExplanationKey(source.runId(), id));
      }
    } catch (UncheckedIOException | IllegalArgumentException e) {
      node.put("status", "error");
      node.put("message", key + " " + PlainText.readFailure(key, e));
    }
    return node;
  }

  private ObjectNode describe(NeuronFile file, Loaded<?> loaded) {
    ObjectNode node = json.createObjectNode();
    node.put("key", loaded.key());
    node.put("status", loaded.status());
    if (loaded.message() != null) {
      node.put("message", loaded.message());
    }
    if (loaded.value() != null) {
      try {
        // Canonical JSON: NaN becomes null, so the browser's JSON.parse always succeeds.
        node.set("data", json.readTree(file.toJson(loaded.value())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return node;
  }

  private ObjectNode summaries(RelatedNeurons related) {
    List<String> names = new ArrayList<>();
    for (NeuronConnections side : Arrays.asList(related.cFc(), related.cProj())) {
      if (side != null) {
        addFirst(names, side.topPositiveNeurons());
        addFirst(names, side.topNegativeNeurons());
      }
    }
    Map<String, CompletableFuture<ObjectNode>> pending = new LinkedHashMap<>();
    for (String name : names) {
      pending.computeIfAbsent(name, n -> CompletableFuture.supplyAsync(() -> summary(n), reads));
    }
    ObjectNode out = json.createObjectNode();
    pending.forEach((name, future) -> out.set(name, future.join()));
    return out;
  }

  private static void addFirst(List<String> names, List<String> list) {
    names.addAll(list.subList(0, Math.min(RELATED_PER_LIST, list.size())));
  }

  private ObjectNode summary(String name) {
    ObjectNode node = json.createObjectNode();
    Optional<NeuronId> id = parseName(name);
    if (id.isEmpty()) {
      node.put("status", "error");
      node.put("message", "not a neuron name: " + name);
      return node;
    }
    node.put("layer", id.get().layerIndex());
    node.put("neuron", id.get().neuronIndex());
    Loaded<NeuronSimulationResults> loaded =
        load(NeuronFile.EXPLANATIONS, id.get(), NeuronSimulationResults.class);
    node.put("status", loaded.status());
    if (loaded.message() != null) {
      node.put("message", loaded.message());
    }
    if (loaded.value() != null && !loaded.value().scoredExplanations().isEmpty()) {
      ScoredExplanation top = loaded.value().scoredExplanations().get(0);
      node.put("explanation", top.explanation());
      double score =
          top.scoredSimulation() == null ? Double.NaN : top.scoredSimulation().evCorrelationScore();
      if (Double.isNaN(score)) {
        node.putNull("score");
      } else {
        node.put("score", score);
      }
    }
    return node;
  }

  /** {@code "19_4121"} as written in related-neurons files (docs/method.md 1.10). */
  static Optional<NeuronId> parseName(String name) {
    int underscore = name.indexOf('_');
    try {
      return Optional.of(
          new NeuronId(
              Integer.parseInt(name.substring(0, underscore)),
              Integer.parseInt(name.substring(underscore + 1))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
