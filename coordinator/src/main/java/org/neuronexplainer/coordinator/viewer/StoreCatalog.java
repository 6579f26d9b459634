package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What a listable store holds: every explanation file, read into one index and one overview. Built
 * once per store (a full GPT-2 XL store is 307,200 files); malformed files are counted and named,
 * not fatal.
 */
public record StoreCatalog(
    ExplanationIndex index, ModelOverview overview, List<String> badFiles, int files) {

  private static final Pattern EXPLANATION_KEY =
      Pattern.compile("explanations/(\\d+)/(\\d+)\\.jsonl");
  private static final int BAD_FILES_KEPT = 100;

  /** Reads the store's explanations; UnsupportedOperationException if it cannot be listed. */
  public static StoreCatalog load(BlobStore store) {
    List<String> keys = store.list("explanations/");
    List<String> bad = Collections.synchronizedList(new ArrayList<>());
    List<List<ExplanationEntry>> perFile =
        keys.parallelStream().map(key -> read(store, key, bad)).toList();
    List<ExplanationEntry> entries = new ArrayList<>();
    perFile.forEach(entries::addAll);
    entries.sort(
        java.util.Comparator.comparing(ExplanationEntry::neuron)
            .thenComparingInt(ExplanationEntry::rank));
    List<String> badFiles = new ArrayList<>(bad);
    Collections.sort(badFiles);
    return new StoreCatalog(
        ExplanationIndex.build(entries),
        ModelOverview.of(entries),
        List.copyOf(badFiles.subList(0, Math.min(BAD_FILES_KEPT, badFiles.size()))),
        keys.size());
  }

  private static List<ExplanationEntry> read(BlobStore store, String key, List<String> bad) {
    Optional<NeuronId> place = neuronOf(key);
    if (place.isEmpty()) {
      return List.of();
    }
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) {
      return List.of(); // deleted since the listing
    }
    try {
      NeuronSimulationResults results =
          DatasetJson.read(bytes.get(), key, NeuronSimulationResults.class);
      List<ExplanationEntry> entries = new ArrayList<>();
      List<ScoredExplanation> scored = results.scoredExplanations();
      for (int rank = 0; rank < scored.size(); rank++) {
        ScoredExplanation one = scored.get(rank);
        double score =
            one.scoredSimulation() == null
                ? Double.NaN
                : one.scoredSimulation().evCorrelationScore();
        entries.add(new ExplanationEntry(place.get(), rank, one.explanation(), score));
      }
      return entries;
    } catch (DatasetFormatException | RuntimeException e) {
      bad.add(key + ": " + e.getMessage());
      return List.of();
    }
  }

  static Optional<NeuronId> neuronOf(String key) {
    Matcher m = EXPLANATION_KEY.matcher(key);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new NeuronId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
