package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;

/**
 * A neuron's done marker and its job's metrics carry its score by scorer when the run has
 * classification scorers: the means of what its result files hold, counted here again from the
 * stored answers.
 */
class DoneMarkerScoresTest {

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final RunRecords records = new RunRecords(store);

  private ExplainAndScoreHandler handler() {
    return new ExplainAndScoreHandler(
        records, new StoreNeuronRecords(store), Backends.withoutModels(), Duration.ofMinutes(1));
  }

  private static ExplainAndScoreJob job(String runId, NeuronId neuron) {
    return new ExplainAndScoreJob(JobHeader.first(runId, 1), neuron, RunRecords.recordKey(neuron));
  }

  @Test
  void aRunWithClassifiersRecordsEachScorersMeanInTheMarkerAndTheMetrics() throws Exception {
    List<NeuronId> neurons = SyntheticNeurons.write(store, 3);
    records.putSpec(
        new RunSpec("all", "store", null, null, "baseline", "baseline", "linear", null, 1)
            .withScorers(List.of("simulation", "detection", "fuzzing")));
    for (NeuronId neuron : neurons) {
      JobMetrics metrics = handler().run(job("all", neuron));
      RunRecords.DoneMarker marker = records.done("all", neuron).orElseThrow();

      assertThat(marker.scores()).containsOnlyKeys("simulation", "detection", "fuzzing");
      assertThat(marker.scores().get("simulation")).isEqualTo(marker.score());
      assertThat(marker.score()).isCloseTo(simulationMean("all", neuron), within(1e-12));
      for (String scorer : List.of("detection", "fuzzing")) {
        Double expected = balancedAccuracyMean("all", scorer, neuron);
        if (expected == null) {
          assertThat(marker.scores().get(scorer)).as(scorer).isNull();
        } else {
          assertThat(marker.scores().get(scorer)).as(scorer).isCloseTo(expected, within(1e-12));
        }
      }
      assertThat(metrics.scores()).isEqualTo(marker.scores());
    }
  }

  @Test
  void aSimulationOnlyRunKeepsTheMarkerItHadBefore() {
    NeuronId neuron = SyntheticNeurons.write(store, 1).get(0);
    records.putSpec(new RunSpec("sim", "store", null, null, null, null, null, null, 1));

    JobMetrics metrics = handler().run(job("sim", neuron));

    assertThat(records.done("sim", neuron).orElseThrow().scores()).isNull();
    assertThat(metrics.scores()).isNull();
    assertThat(new String(store.get(RunRecords.doneKey("sim", neuron)).orElseThrow()))
        .doesNotContain("scores");
  }

  private double simulationMean(String runId, NeuronId neuron) throws Exception {
    byte[] bytes = store.get(RunRecords.runExplanationKey(runId, neuron)).orElseThrow();
    return DatasetJson.read(bytes, "results", NeuronSimulationResults.class)
        .scoredExplanations()
        .stream()
        .mapToDouble(ScoredExplanation::score)
        .filter(d -> !Double.isNaN(d))
        .average()
        .orElseThrow();
  }

  /** Each explanation's balanced accuracy counted from its excerpts, averaged; null if none. */
  private Double balancedAccuracyMean(String runId, String scorer, NeuronId neuron)
      throws Exception {
    String key = RunRecords.runClassificationKey(runId, scorer, neuron);
    double sum = 0;
    int n = 0;
    for (ClassifiedExplanation one :
        ClassificationJson.read(store.get(key).orElseThrow(), key).explanations()) {
      int tp = 0;
      int fn = 0;
      int tn = 0;
      int fp = 0;
      for (ClassifiedExcerpt excerpt : one.excerpts()) {
        if (excerpt.label()) {
          if (excerpt.answer()) {
            tp++;
          } else {
            fn++;
          }
        } else if (excerpt.answer()) {
          fp++;
        } else {
          tn++;
        }
      }
      if (tp + fn > 0 && tn + fp > 0) {
        sum += ((double) tp / (tp + fn) + (double) tn / (tn + fp)) / 2;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }
}
