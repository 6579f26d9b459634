package org.neuronexplainer.common.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The metrics against a second computation written another way: AUROC from midranks (the
 * Mann-Whitney U formula) instead of counting pairs, the rest from confusion counts taken by
 * filtering.
 */
class ClassificationMetricsTest {

  private static ClassifiedExcerpt excerpt(boolean label, boolean answer, Double probability) {
    return new ClassifiedExcerpt(
        "random:0", "random", List.of(" a"), List.of(), label, answer, probability);
  }

  /** The reference: float64, from counts and midranks. */
  private record Reference(
      Double accuracy, Double balanced, Double precision, Double recall, Double f1, Double auroc) {

    static Reference of(List<ClassifiedExcerpt> excerpts) {
      long pos = excerpts.stream().filter(ClassifiedExcerpt::label).count();
      long neg = excerpts.size() - pos;
      long hit = excerpts.stream().filter(e -> e.label() && e.answer()).count();
      long rejected = excerpts.stream().filter(e -> !e.label() && !e.answer()).count();
      long said = excerpts.stream().filter(ClassifiedExcerpt::answer).count();
      Double accuracy = excerpts.isEmpty() ? null : (hit + rejected) / (double) excerpts.size();
      Double recall = pos == 0 ? null : hit / (double) pos;
      Double tnr = neg == 0 ? null : rejected / (double) neg;
      Double balanced = recall != null && tnr != null ? 0.5 * recall + 0.5 * tnr : null;
      Double precision = said == 0 ? null : hit / (double) said;
      Double f1 =
          precision == null || recall == null
              ? null
              : hit == 0 ? 0.0 : 2.0 * hit / (2.0 * hit + (said - hit) + (pos - hit));
      return new Reference(accuracy, balanced, precision, recall, f1, midrankAuroc(excerpts));
    }

    static Double midrankAuroc(List<ClassifiedExcerpt> excerpts) {
      if (excerpts.stream().anyMatch(e -> e.probability() == null)) {
        return null;
      }
      double[] sorted = excerpts.stream().mapToDouble(ClassifiedExcerpt::probability).toArray();
      Arrays.sort(sorted);
      double rankSum = 0;
      long pos = 0;
      for (ClassifiedExcerpt e : excerpts) {
        if (!e.label()) {
          continue;
        }
        pos++;
        int first = 0;
        while (sorted[first] < e.probability()) {
          first++;
        }
        int last = first;
        while (last + 1 < sorted.length && sorted[last + 1] == e.probability()) {
          last++;
        }
        rankSum += (first + last) / 2.0 + 1;
      }
      long neg = excerpts.size() - pos;
      if (pos == 0 || neg == 0) {
        return null;
      }
      return (rankSum - pos * (pos + 1) / 2.0) / (pos * neg);
    }
  }

  private static void assertMatchesReference(List<ClassifiedExcerpt> excerpts) {
    ClassificationMetrics metrics = ClassificationMetrics.of(excerpts);
    Reference reference = Reference.of(excerpts);
    assertSame(metrics.accuracy(), reference.accuracy(), "accuracy");
    assertSame(metrics.balancedAccuracy(), reference.balanced(), "balanced accuracy");
    assertSame(metrics.precision(), reference.precision(), "precision");
    assertSame(metrics.recall(), reference.recall(), "recall");
    assertSame(metrics.f1(), reference.f1(), "f1");
    assertSame(metrics.auroc(), reference.auroc(), "auroc");
    assertThat(
            metrics.truePositives()
                + metrics.falsePositives()
                + metrics.trueNegatives()
                + metrics.falseNegatives())
        .isEqualTo(excerpts.size());
  }

  private static void assertSame(Double actual, Double expected, String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual).as(what).isNotNull().isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void randomAnswersMatchTheReference() {
    Random random = new Random(24);
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(30);
      List<ClassifiedExcerpt> excerpts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        // Probabilities on a coarse grid, so that ties are common.
        excerpts.add(excerpt(random.nextBoolean(), random.nextBoolean(), random.nextInt(5) / 4.0));
      }
      assertMatchesReference(excerpts);
    }
  }

  @Test
  void aKnownCaseGivesKnownNumbers() {
    // 3 positives (answered yes, yes, no), 2 negatives (answered yes, no).
    List<ClassifiedExcerpt> excerpts =
        List.of(
            excerpt(true, true, 0.9),
            excerpt(true, true, 0.6),
            excerpt(true, false, 0.4),
            excerpt(false, true, 0.6),
            excerpt(false, false, 0.1));
    ClassificationMetrics metrics = ClassificationMetrics.of(excerpts);

    assertThat(metrics.accuracy()).isEqualTo(0.6);
    assertThat(metrics.recall()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(metrics.precision()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(metrics.balancedAccuracy()).isCloseTo((2 / 3.0 + 0.5) / 2, within(1e-12));
    assertThat(metrics.f1()).isCloseTo(2 / 3.0, within(1e-12));
    // Pairs: (0.9 beats both), (0.6 ties 0.6, beats 0.1), (0.4 loses to 0.6, beats 0.1) = 4.5/6.
    assertThat(metrics.auroc()).isCloseTo(0.75, within(1e-12));
    assertMatchesReference(excerpts);
  }

  @Test
  void allOneClassLeavesTheOtherClassMetricsUndefined() {
    List<ClassifiedExcerpt> negatives =
        List.of(excerpt(false, false, 0.2), excerpt(false, true, 0.7));
    ClassificationMetrics metrics = ClassificationMetrics.of(negatives);

    assertThat(metrics.accuracy()).isEqualTo(0.5);
    assertThat(metrics.recall()).isNull();
    assertThat(metrics.balancedAccuracy()).isNull();
    assertThat(metrics.f1()).isNull();
    assertThat(metrics.auroc()).isNull();
    assertThat(metrics.precision()).isEqualTo(0.0);
    assertMatchesReference(negatives);

    List<ClassifiedExcerpt> positives = List.of(excerpt(true, true, 0.9), excerpt(true, true, 0.8));
    assertThat(ClassificationMetrics.of(positives).balancedAccuracy()).isNull();
    assertThat(ClassificationMetrics.of(positives).f1()).isEqualTo(1.0);
    assertMatchesReference(positives);
  }

  @Test
  void nothingPredictedPositiveLeavesPrecisionAndF1Undefined() {
    List<ClassifiedExcerpt> excerpts =
        List.of(excerpt(true, false, null), excerpt(false, false, null));
    ClassificationMetrics metrics = ClassificationMetrics.of(excerpts);

    assertThat(metrics.precision()).isNull();
    assertThat(metrics.f1()).isNull();
    assertThat(metrics.recall()).isEqualTo(0.0);
    assertThat(metrics.balancedAccuracy()).isEqualTo(0.5);
    assertThat(metrics.auroc()).as("no probabilities").isNull();
    assertMatchesReference(excerpts);
  }

  @Test
  void everythingPredictedPositive() {
    List<ClassifiedExcerpt> excerpts =
        List.of(excerpt(true, true, 0.5), excerpt(false, true, 0.5), excerpt(false, true, 0.5));
    ClassificationMetrics metrics = ClassificationMetrics.of(excerpts);

    assertThat(metrics.recall()).isEqualTo(1.0);
    assertThat(metrics.precision()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(metrics.balancedAccuracy()).isEqualTo(0.5);
    // Every pair tied.
    assertThat(metrics.auroc()).isEqualTo(0.5);
    assertMatchesReference(excerpts);
  }

  @Test
  void noExcerptsLeaveEveryMetricUndefined() {
    ClassificationMetrics metrics = ClassificationMetrics.of(List.of());

    assertThat(metrics.excerpts()).isZero();
    assertThat(metrics.accuracy()).isNull();
    assertThat(metrics.balancedAccuracy()).isNull();
    assertThat(metrics.precision()).isNull();
    assertThat(metrics.recall()).isNull();
    assertThat(metrics.f1()).isNull();
    assertThat(metrics.auroc()).isNull();
  }

  @Test
  void oneMissingProbabilityLeavesAurocUndefined() {
    List<ClassifiedExcerpt> excerpts =
        List.of(excerpt(true, true, 0.9), excerpt(false, false, null));
    assertThat(ClassificationMetrics.of(excerpts).auroc()).isNull();
  }
}
