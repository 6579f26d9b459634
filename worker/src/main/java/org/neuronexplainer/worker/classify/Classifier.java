package org.neuronexplainer.worker.classify;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.classify.ClassifierKind;

/** Answers, for each excerpt of a sample, the question of a classification scorer. */
public interface Classifier {

  /**
   * One answer per excerpt, in order. Fails when an answer cannot be had (after the parse retries):
   * the scorer then fails for that neuron, it never scores 0.
   */
  CompletionStage<List<Answer>> classify(
      ClassifierKind kind, String explanation, List<Excerpt> excerpts);
}
