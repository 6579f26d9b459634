package org.neuronexplainer.worker.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.simulate.BaselineSimulator;

/**
 * A classifier with no model (docs/method.md 15.6), reading the explanation as the baseline
 * simulator does: a token fires when the explanation quotes it. Detection says yes when some token
 * of the excerpt fires; fuzzing says yes when at least half of the highlighted tokens fire. It
 * gives no probabilities, so its AUROC is undefined.
 */
public final class BaselineClassifier implements Classifier {
  private final BaselineSimulator simulator = new BaselineSimulator();

  @Override
  public CompletionStage<List<Answer>> classify(
      ClassifierKind kind, String explanation, List<Excerpt> excerpts) {
    List<Answer> answers = new ArrayList<>(excerpts.size());
    for (Excerpt excerpt : excerpts) {
      SequenceSimulation simulation = simulator.simulateNow(explanation, excerpt.tokens());
      double[] predicted = simulation.expectedActivations();
      boolean yes;
      if (kind == ClassifierKind.DETECTION) {
        yes = false;
        for (double value : predicted) {
          yes |= value > 0;
        }
      } else {
        long firing = excerpt.highlighted().stream().filter(t -> predicted[t] > 0).count();
        yes = !excerpt.highlighted().isEmpty() && 2 * firing >= excerpt.highlighted().size();
      }
      answers.add(new Answer(yes, null));
    }
    return CompletableFuture.completedFuture(List.copyOf(answers));
  }
}
