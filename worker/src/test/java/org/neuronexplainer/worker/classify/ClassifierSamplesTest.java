package org.neuronexplainer.worker.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;

class ClassifierSamplesTest {
  private final ClassifierSettings settings = ClassifierSettings.defaults();
  private final ClassifierSamples samples = new ClassifierSamples(settings, SliceParams.paper());
  private final NeuronRecord neuron = DayNeuron.neuron();

  @Test
  void detectionHoldsTheConfiguredCountsWithTrueLabels() {
    List<Excerpt> sample = samples.detection(neuron);
    double max = neuron.maxActivation();

    List<Excerpt> activating = sample.stream().filter(Excerpt::label).toList();
    List<Excerpt> silent = sample.stream().filter(e -> !e.label()).toList();
    assertThat(activating).hasSize(settings.activating());
    assertThat(silent).hasSize(settings.nonActivating());
    assertThat(activating)
        .allSatisfy(
            e -> {
              assertThat(e.record().maxActivation()).isGreaterThan(settings.activeFraction() * max);
              assertThat(e.source()).isEqualTo(Excerpt.ACTIVATING);
            });
    assertThat(silent)
        .allSatisfy(e -> assertThat(e.record().maxActivation()).isLessThanOrEqualTo(0.1 * max));
    assertThat(sample).allSatisfy(e -> assertThat(e.highlighted()).isEmpty());
    // Shuffled: the labels are not all in one block.
    assertThat(sample.subList(0, settings.activating())).anyMatch(e -> !e.label());
  }

  @Test
  void noExcerptIsOneTheExplainerSaw() {
    Set<List<String>> train = new HashSet<>();
    for (ActivationRecord record : Splits.top(neuron, Split.TRAIN, SliceParams.paper())) {
      train.add(record.tokens());
    }
    List<Excerpt> sample = samples.detection(neuron);

    assertThat(sample).noneMatch(e -> train.contains(e.tokens()));
    assertThat(sample.stream().map(Excerpt::id).distinct()).hasSize(sample.size());
    assertThat(sample.stream().map(Excerpt::tokens).distinct()).hasSize(sample.size());
  }

  @Test
  void activatingExcerptsComeFromEveryQuantileBucket() {
    // 15 held-out top records and 10 random ones with a day: 25 candidates, 5 buckets of 5.
    List<Excerpt> activating = samples.detection(neuron).stream().filter(Excerpt::label).toList();

    assertThat(activating.stream().map(Excerpt::id)).anyMatch(id -> id.startsWith("random:"));
    assertThat(activating.stream().map(Excerpt::id)).anyMatch(id -> id.startsWith("top:"));
  }

  @Test
  void hardNegativesShareAPeakTokenAndComeFirstUpToTheirLimit() {
    NeuronRecord withHard = withSilentDays(neuron);
    List<Excerpt> hard =
        samples.detection(withHard).stream().filter(e -> e.source().equals(Excerpt.HARD)).toList();

    assertThat(hard).hasSize(settings.hardNegatives());
    Set<String> peaks = ClassifierSamples.peakTokens(withHard);
    assertThat(peaks).hasSizeLessThanOrEqualTo(ClassifierSamples.HARD_TOKENS).isNotEmpty();
    assertThat(hard)
        .allSatisfy(
            e -> {
              assertThat(e.label()).isFalse();
              assertThat(e.tokens()).anyMatch(t -> peaks.contains(t.strip()));
            });
  }

  /** The neuron with random records that hold day names but stay silent. */
  private static NeuronRecord withSilentDays(NeuronRecord neuron) {
    List<ActivationRecord> random = new java.util.ArrayList<>(neuron.randomSample());
    for (String day : DayNeuron.DAYS) {
      random.add(new ActivationRecord(List.of(" on", day, " morning"), new double[] {0, 0, 0}));
    }
    return new NeuronRecord(
        neuron.neuronId(),
        random,
        null,
        null,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        neuron.mostPositiveActivationRecords());
  }

  @Test
  void quantileSamplesAreCandidatesNamedByBucketAndIndex() {
    List<List<ActivationRecord>> buckets =
        List.of(
            neuron.randomSample().subList(0, 20),
            List.of(
                new ActivationRecord(List.of(" late", " Friday"), new double[] {0, 2.9}),
                new ActivationRecord(List.of(" early", " Sunday"), new double[] {0, 2.8})));
    NeuronRecord withQuantiles =
        new NeuronRecord(
            neuron.neuronId(),
            neuron.randomSample(),
            buckets,
            new double[] {1.0},
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            neuron.mostPositiveActivationRecords());
    ClassifierSamples wide =
        new ClassifierSamples(
            new ClassifierSettings(1, 100, 100, 0, 10, 0.3, 0.1, true, 3), SliceParams.paper());

    List<String> ids = wide.detection(withQuantiles).stream().map(Excerpt::id).toList();

    assertThat(ids).contains("quantile:1:0", "quantile:1:1");
    // The first bucket repeats the first 20 random records: each is shown once, under the id
    // that comes first (top, then quantile, then random).
    assertThat(ids).anyMatch(id -> id.startsWith("quantile:0:"));
    assertThat(ids)
        .noneMatch(id -> id.startsWith("random:") && Integer.parseInt(id.substring(7)) < 20);
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void theSameNeuronGetsTheSameSampleAndAnotherNeuronAnother() {
    NeuronRecord again = DayNeuron.neuron();
    NeuronRecord other = DayNeuron.neuron(new NeuronId(1, 8), 24, 20, 40);

    assertThat(samples.detection(again)).isEqualTo(samples.detection(neuron));
    assertThat(samples.fuzzing(again)).isEqualTo(samples.fuzzing(neuron));
    assertThat(samples.detection(other)).isNotEqualTo(samples.detection(neuron));
  }

  @Test
  void fuzzingHighlightsTheFiringTokensOrAsManyOthers() {
    List<Excerpt> sample = samples.fuzzing(neuron);
    double threshold = settings.activeFraction() * neuron.maxActivation();

    assertThat(sample).hasSize(settings.activating());
    assertThat(sample.stream().filter(e -> !e.label())).hasSize(settings.activating() / 2);
    for (Excerpt excerpt : sample) {
      double[] acts = excerpt.record().activations();
      List<Integer> firing =
          IntStream.range(0, acts.length).filter(t -> acts[t] > threshold).boxed().toList();
      assertThat(firing).isNotEmpty();
      if (excerpt.label()) {
        assertThat(excerpt.highlighted()).isEqualTo(firing);
      } else {
        assertThat(excerpt.highlighted())
            .hasSize(firing.size())
            .doesNotContainAnyElementsOf(firing);
        assertThat(excerpt.highlighted()).isSorted();
      }
    }
  }

  @Test
  void aSilentNeuronHasOnlyNegativesForDetectionAndNothingForFuzzing() {
    NeuronRecord silent = silent(new NeuronId(0, 1));

    List<Excerpt> detection = samples.detection(silent);
    assertThat(detection).isNotEmpty().noneMatch(Excerpt::label);
    assertThat(samples.fuzzing(silent)).isEmpty();
  }

  private static NeuronRecord silent(NeuronId id) {
    List<ActivationRecord> records =
        IntStream.range(0, 30)
            .mapToObj(i -> new ActivationRecord(List.of(" a" + i, " b"), new double[] {0, -0.1}))
            .toList();
    return new NeuronRecord(
        id, records, null, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, records);
  }

  @Test
  void settingsNameTheBadValue() {
    assertThatThrownBy(() -> new ClassifierSettings(0, 2, 10, 3, 10, 0.3, 0.1, true, 3))
        .hasMessageContaining("quantiles")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> settings.withExcerptsPerCall(0))
        .hasMessageContaining("excerptsPerCall must be at least 1, got 0");
    assertThatThrownBy(() -> new ClassifierSettings(5, 2, 10, 3, 10, 1.5, 0.1, true, 3))
        .hasMessageContaining("activeFraction")
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> new ClassifierSettings(5, 2, 10, 3, 10, 0.3, 0.4, true, 3))
        .hasMessageContaining("silentFraction")
        .hasMessageContaining("0.4");
    assertThatThrownBy(() -> new ClassifierSettings(5, 2, 2, 3, 10, 0.3, 0.1, true, 3))
        .hasMessageContaining("hardNegatives (3)");
  }

  @Test
  void tooFewTopRecordsForTheSplitsIsAnError() {
    NeuronRecord small = DayNeuron.neuron(new NeuronId(0, 2), 3, 8, 10);
    assertThatThrownBy(() -> samples.detection(small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("top pool");
  }
}
