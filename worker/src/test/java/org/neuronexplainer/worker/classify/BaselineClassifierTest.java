package org.neuronexplainer.worker.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassificationMetrics;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.records.SliceParams;

class BaselineClassifierTest {
  private final NeuronRecord neuron = DayNeuron.neuron();
  private final BaselineClassifier baseline = new BaselineClassifier();

  private ClassifiedExplanation score(ClassifierKind kind, String explanation) {
    return new ClassificationScorer(kind, ClassifierSettings.defaults(), SliceParams.paper())
        .score(neuron, explanation, baseline)
        .toCompletableFuture()
        .join();
  }

  @Test
  void aFittingExplanationDetectsTheDayExcerpts() {
    // Written as the baseline explainer writes tokens, as JSON literals; one day of five.
    String right = "the token \" Monday\"";
    ClassificationMetrics metrics = score(ClassifierKind.DETECTION, right).metrics();

    // Excerpts that hold only other days are missed; none without a day is a false alarm.
    assertThat(metrics.precision()).isEqualTo(1.0);
    assertThat(metrics.recall()).isGreaterThan(0.2).isLessThan(1.0);
    assertThat(metrics.balancedAccuracy()).isGreaterThan(0.6);
    assertThat(metrics.auroc()).as("the baseline gives no probabilities").isNull();
  }

  @Test
  void aWrongExplanationScoresAtChance() {
    ClassificationMetrics metrics =
        score(ClassifierKind.DETECTION, "the token \" banana\"").metrics();

    assertThat(metrics.recall()).isEqualTo(0.0);
    assertThat(metrics.precision()).as("nothing predicted positive").isNull();
    assertThat(metrics.balancedAccuracy()).isEqualTo(0.5);
  }

  @Test
  void fuzzingTellsRightHighlightsFromRandomOnes() {
    String all =
        "the tokens \" Monday\", \" Tuesday\", \" Wednesday\", \" Friday\" and \" Sunday\"";
    ClassifiedExplanation scored = score(ClassifierKind.FUZZING, all);

    assertThat(scored.excerpts()).hasSize(ClassifierSettings.defaults().activating());
    assertThat(scored.metrics().accuracy()).isEqualTo(1.0);
    assertThat(scored.wrong()).isEmpty();
    assertThat(score(ClassifierKind.FUZZING, "nothing quoted").metrics().recall()).isEqualTo(0.0);
  }

  @Test
  void aSilentNeuronGetsUndefinedMetricsNotZeros() {
    List<ActivationRecord> records =
        IntStream.range(0, 30)
            .mapToObj(i -> new ActivationRecord(List.of(" x" + i, " y"), new double[] {0, 0}))
            .toList();
    NeuronRecord silent =
        new NeuronRecord(
            new NeuronId(3, 3),
            records,
            null,
            null,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            records);
    ClassifierSettings settings = ClassifierSettings.defaults();

    ClassificationMetrics detection =
        new ClassificationScorer(ClassifierKind.DETECTION, settings, SliceParams.paper())
            .score(silent, "the token \" x1\"", baseline)
            .toCompletableFuture()
            .join()
            .metrics();
    assertThat(detection.excerpts()).isEqualTo(settings.nonActivating());
    assertThat(detection.recall()).isNull();
    assertThat(detection.balancedAccuracy()).isNull();
    assertThat(detection.f1()).isNull();
    assertThat(detection.accuracy()).isLessThan(1.0);

    // Fuzzing has nothing to show: no call is made (this transport fails any call).
    ClassifiedExplanation fuzzing =
        new ClassificationScorer(ClassifierKind.FUZZING, settings, SliceParams.paper())
            .score(silent, "x", new LlmClassifier("m", LlmTransport.none(), settings))
            .toCompletableFuture()
            .join();
    assertThat(fuzzing.excerpts()).isEmpty();
    assertThat(fuzzing.metrics().accuracy()).isNull();
    assertThat(fuzzing.metrics().auroc()).isNull();
  }

  @Test
  void theScoredExcerptsKeepTheirSampleIdsLabelsAndHighlights() {
    ClassificationScorer scorer =
        new ClassificationScorer(
            ClassifierKind.FUZZING, ClassifierSettings.defaults(), SliceParams.paper());
    List<Excerpt> sample = scorer.sample(neuron);
    ClassifiedExplanation scored = score(ClassifierKind.FUZZING, "x");

    for (int i = 0; i < sample.size(); i++) {
      assertThat(scored.excerpts().get(i).id()).isEqualTo(sample.get(i).id());
      assertThat(scored.excerpts().get(i).label()).isEqualTo(sample.get(i).label());
      assertThat(scored.excerpts().get(i).highlighted()).isEqualTo(sample.get(i).highlighted());
      assertThat(scored.excerpts().get(i).tokens()).isEqualTo(sample.get(i).tokens());
    }
  }
}
