package org.neuronexplainer.worker.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.records.SliceParams;

/**
 * Scores explanations of one neuron with one classification scorer (docs/method.md 15): draws the
 * neuron's sample once ({@link ClassifierSamples}, the same for every explanation), asks the
 * classifier about it, and keeps every excerpt's label and answer with the metrics. A neuron
 * without an activating excerpt still gets a result for detection (silent excerpts only) and an
 * empty one for fuzzing, with the undefined metrics null. A classifier failure fails the result.
 */
public final class ClassificationScorer {
  private final ClassifierKind kind;
  private final ClassifierSamples samples;

  public ClassificationScorer(
      ClassifierKind kind, ClassifierSettings settings, SliceParams sliceParams) {
    this.kind = kind;
    this.samples = new ClassifierSamples(settings, sliceParams);
  }

  public ClassifierKind kind() {
    return kind;
  }

  /** The neuron's sample for this scorer, in the order it is shown. */
  public List<Excerpt> sample(NeuronRecord neuron) {
    return kind == ClassifierKind.DETECTION ? samples.detection(neuron) : samples.fuzzing(neuron);
  }

  /** {@code explanation} scored on {@code neuron}'s sample. */
  public CompletionStage<ClassifiedExplanation> score(
      NeuronRecord neuron, String explanation, Classifier classifier) {
    List<Excerpt> sample;
    try {
      sample = sample(neuron);
    } catch (IllegalArgumentException e) {
      // Too few records for the splits: reported through the result like any other failure.
      return CompletableFuture.failedFuture(e);
    }
    return score(sample, explanation, classifier);
  }

  private CompletionStage<ClassifiedExplanation> score(
      List<Excerpt> sample, String explanation, Classifier classifier) {
    if (sample.isEmpty()) {
      return CompletableFuture.completedFuture(ClassifiedExplanation.of(explanation, List.of()));
    }
    return classifier
        .classify(kind, explanation, sample)
        .thenApply(answers -> ClassifiedExplanation.of(explanation, classified(sample, answers)));
  }

  /** Every explanation scored (concurrently, on one sample), in order; fails if any one fails. */
  public CompletionStage<ClassificationResults> scoreAll(
      NeuronRecord neuron, List<String> explanations, Classifier classifier) {
    List<Excerpt> sample;
    try {
      sample = sample(neuron);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<CompletableFuture<ClassifiedExplanation>> scored =
        explanations.stream()
            .map(explanation -> score(sample, explanation, classifier).toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(scored.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                ClassificationResults.of(
                    kind,
                    neuron.neuronId(),
                    scored.stream().map(CompletableFuture::join).toList()));
  }

  private static List<ClassifiedExcerpt> classified(List<Excerpt> sample, List<Answer> answers) {
    if (answers.size() != sample.size()) {
      throw new IllegalStateException(
          answers.size() + " answers for a sample of " + sample.size() + " excerpts");
    }
    List<ClassifiedExcerpt> classified = new ArrayList<>(sample.size());
    for (int i = 0; i < sample.size(); i++) {
      Excerpt excerpt = sample.get(i);
      Answer answer = answers.get(i);
      classified.add(
          new ClassifiedExcerpt(
              excerpt.id(),
              excerpt.source(),
              excerpt.tokens(),
              excerpt.highlighted(),
              excerpt.label(),
              answer.yes(),
              answer.probability()));
    }
    return classified;
  }
}
