package org.neuronexplainer.worker.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.PublishPolicy;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The store's public-layout view, {@code explanations/{layer}/{neuron}.jsonl}: a run's results for
 * a neuron replace the view's file when the run's {@link PublishPolicy} says so, and then the
 * file's {@link ExplanationSource} is recorded beside it.
 *
 * <p>Two runs publishing one neuron at once: each put is atomic, but reading the view, deciding and
 * writing are not one step (a {@link BlobStore} has no conditional put), so the last writer's file
 * stays, whatever the policies. The source is written after the file and carries the file's hash,
 * so a source that lost such a race no longer matches the file and readers treat the file's source
 * as unknown rather than name the wrong run.
 */
final class ExplanationView {

  private final RunRecords records;
  private final LongSupplier clock;

  ExplanationView(RunRecords records, LongSupplier clock) {
    this.records = records;
    this.clock = clock;
  }

  /**
   * Publishes a run's results for {@code neuron} by the run's policy.
   *
   * @param results the bytes of the run's own results file
   * @param score their mean score, or null when undefined
   * @return whether the view now shows these results on behalf of this run
   */
  boolean publish(RunSpec spec, NeuronId neuron, byte[] results, Double score) {
    PublishPolicy policy = policy(spec);
    if (policy == PublishPolicy.NONE) {
      return false;
    }
    // The view of the run's dataset: the store's root, or an SAE's folder.
    BlobStore store = spec.datasetStore(records.store());
    RunRecords dataset = store == records.store() ? records : new RunRecords(store);
    String key = RunRecords.explanationKey(neuron);
    Optional<byte[]> current = store.get(key);
    Optional<ExplanationSource> recorded =
        current.flatMap(
            bytes -> recorded(dataset, neuron).filter(source -> source.describes(bytes)));
    boolean same = current.map(bytes -> Arrays.equals(bytes, results)).orElse(false);
    if (same && recorded.map(s -> spec.runId().equals(s.runId())).orElse(false)) {
      return true; // a redo of a neuron this run published already
    }
    // The view holds these very bytes without a source that names them (a crash between the file
    // and its source): they are this run's results too, so the source is recorded whatever the
    // policy.
    if (!(same && recorded.isEmpty())) {
      Optional<ExplanationSource> shown =
          current.map(bytes -> recorded.orElseGet(() -> unrecorded(bytes)));
      if (!policy.replaces(shown, score)) {
        return false;
      }
      if (!same) {
        store.put(key, results);
      }
    }
    dataset.putExplanationSource(
        neuron,
        new ExplanationSource(
            spec.runId(),
            spec.methodVersion(),
            score,
            policy.configName(),
            clock.getAsLong(),
            RunInput.sha256(results)));
    return true;
  }

  /** The run's policy; an unknown one fails the run's neurons for good. */
  static PublishPolicy policy(RunSpec spec) {
    try {
      return spec.publishPolicy();
    } catch (IllegalArgumentException e) {
      throw new PermanentException(e.getMessage(), e);
    }
  }

  /** The recorded source; an unreadable one counts as none, since the file's hash decides. */
  private static Optional<ExplanationSource> recorded(RunRecords dataset, NeuronId neuron) {
    try {
      return dataset.explanationSource(neuron);
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** A view file without a source: its score read from the file, undefined when it is broken. */
  private static ExplanationSource unrecorded(byte[] bytes) {
    try {
      NeuronSimulationResults shown =
          DatasetJson.read(bytes, "explanations view", NeuronSimulationResults.class);
      return ExplanationSource.unrecorded(meanScore(shown.scoredExplanations()));
    } catch (IOException | RuntimeException e) {
      return ExplanationSource.unrecorded(null);
    }
  }

  /** The mean of the defined scores of {@code scored}; null when none is defined. */
  static Double meanScore(List<ScoredExplanation> scored) {
    double mean =
        scored.stream()
            .mapToDouble(ScoredExplanation::score)
            .filter(d -> !Double.isNaN(d))
            .average()
            .orElse(Double.NaN);
    return Double.isNaN(mean) ? null : mean;
  }
}
