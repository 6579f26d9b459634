package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The metrics of one explanation under one classification scorer (docs/method.md 15.4), derived
 * from its excerpts' labels and answers alone. Positive means "fires" (detection) or "correctly
 * highlighted" (fuzzing).
 *
 * <p>A value the answers leave undefined is null, never 0: accuracy with no excerpts; balanced
 * accuracy unless both classes are present; precision when nothing was answered positive; recall
 * when there is no positive excerpt; F1 when precision or recall is undefined (it is 0 when both
 * are defined and 0); AUROC unless every excerpt has a probability and both classes are present.
 * AUROC counts a tied positive and negative as half a correctly ordered pair.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClassificationMetrics(
    @JsonProperty("excerpts") int excerpts,
    @JsonProperty("true_positives") int truePositives,
    @JsonProperty("false_positives") int falsePositives,
    @JsonProperty("true_negatives") int trueNegatives,
    @JsonProperty("false_negatives") int falseNegatives,
    @JsonProperty("accuracy") Double accuracy,
    @JsonProperty("balanced_accuracy") Double balancedAccuracy,
    @JsonProperty("precision") Double precision,
    @JsonProperty("recall") Double recall,
    @JsonProperty("f1") Double f1,
    @JsonProperty("auroc") Double auroc) {

  /** The metrics of {@code excerpts}' answers. */
  public static ClassificationMetrics of(List<ClassifiedExcerpt> excerpts) {
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (ClassifiedExcerpt excerpt : excerpts) {
      if (excerpt.label()) {
        tp += excerpt.answer() ? 1 : 0;
        fn += excerpt.answer() ? 0 : 1;
      } else {
        fp += excerpt.answer() ? 1 : 0;
        tn += excerpt.answer() ? 0 : 1;
      }
    }
    int positives = tp + fn;
    int negatives = tn + fp;
    Double recall = ratio(tp, positives);
    Double specificity = ratio(tn, negatives);
    Double precision = ratio(tp, tp + fp);
    return new ClassificationMetrics(
        excerpts.size(),
        tp,
        fp,
        tn,
        fn,
        ratio(tp + tn, excerpts.size()),
        recall == null || specificity == null ? null : (recall + specificity) / 2,
        precision,
        recall,
        f1(precision, recall),
        auroc(excerpts, positives, negatives));
  }

  private static Double ratio(int numerator, int denominator) {
    return denominator == 0 ? null : (double) numerator / denominator;
  }

  private static Double f1(Double precision, Double recall) {
    if (precision == null || recall == null) {
      return null;
    }
    double sum = precision + recall;
    return sum == 0 ? 0.0 : 2 * precision * recall / sum;
  }

  /** The Mann-Whitney estimate: the share of (positive, negative) pairs ordered right. */
  private static Double auroc(List<ClassifiedExcerpt> excerpts, int positives, int negatives) {
    if (positives == 0
        || negatives == 0
        || excerpts.stream().anyMatch(excerpt -> excerpt.probability() == null)) {
      return null;
    }
    double ordered = 0;
    for (ClassifiedExcerpt positive : excerpts) {
      if (!positive.label()) {
        continue;
      }
      for (ClassifiedExcerpt negative : excerpts) {
        if (negative.label()) {
          continue;
        }
        int order = Double.compare(positive.probability(), negative.probability());
        ordered += order > 0 ? 1 : order == 0 ? 0.5 : 0;
      }
    }
    return ordered / ((double) positives * negatives);
  }
}
