package org.neuronexplainer.worker.revise;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.run.RunSpec;

/**
 * One neuron's explanations scored by every scorer of its run: the simulation results and one
 * classification result per classification scorer, all listing the same explanations in the same
 * order.
 */
public record NeuronScores(
    NeuronSimulationResults simulation, List<ClassificationResults> classifications) {

  public NeuronScores {
    Objects.requireNonNull(simulation, "simulation");
    classifications = List.copyOf(classifications);
    int size = simulation.scoredExplanations().size();
    for (ClassificationResults one : classifications) {
      if (one.explanations().size() != size) {
        throw new IllegalArgumentException(
            one.scorer().wireName()
                + " scored "
                + one.explanations().size()
                + " explanations, the simulation "
                + size);
      }
    }
  }

  public int size() {
    return simulation.scoredExplanations().size();
  }

  /** The text of explanation {@code i}. */
  public String explanation(int i) {
    return simulation.scoredExplanations().get(i).explanation();
  }

  /** Every explanation's text, in order. */
  public List<String> explanations() {
    return simulation.scoredExplanations().stream().map(ScoredExplanation::explanation).toList();
  }

  /** The simulation of explanation {@code i}. */
  public ScoredExplanation simulated(int i) {
    return simulation.scoredExplanations().get(i);
  }

  /** Explanation {@code i} as each classification scorer judged it. */
  public Map<ClassifierKind, ClassifiedExplanation> classified(int i) {
    Map<ClassifierKind, ClassifiedExplanation> classified = new EnumMap<>(ClassifierKind.class);
    for (ClassificationResults one : classifications) {
      classified.put(one.scorer(), one.explanations().get(i));
    }
    return classified;
  }

  /**
   * The scores of explanation {@code i} as the rounds file holds them (docs/method.md 16.3): {@code
   * simulation}, its correlation score, then each classification scorer's balanced accuracy; null
   * where undefined.
   */
  public Map<String, Double> scores(int i) {
    Map<String, Double> scores = new LinkedHashMap<>();
    double simulated = simulated(i).score();
    scores.put(RunSpec.SIMULATION, Double.isFinite(simulated) ? simulated : null);
    for (ClassificationResults one : classifications) {
      scores.put(one.scorer().wireName(), one.explanations().get(i).metrics().balancedAccuracy());
    }
    return scores;
  }

  /** These explanations followed by {@code more}'s, scorer by scorer. */
  public NeuronScores append(NeuronScores more) {
    List<ScoredExplanation> simulated = new ArrayList<>(simulation.scoredExplanations());
    simulated.addAll(more.simulation.scoredExplanations());
    List<ClassificationResults> classified = new ArrayList<>();
    for (ClassificationResults one : classifications) {
      ClassificationResults added =
          more.classifications.stream()
              .filter(other -> other.scorer() == one.scorer())
              .findFirst()
              .orElseThrow(
                  () -> new IllegalArgumentException("no " + one.scorer().wireName() + " results"));
      List<ClassifiedExplanation> all = new ArrayList<>(one.explanations());
      all.addAll(added.explanations());
      classified.add(ClassificationResults.of(one.scorer(), one.neuronId(), all));
    }
    return new NeuronScores(
        new NeuronSimulationResults(simulation.neuronId(), simulated), classified);
  }
}
