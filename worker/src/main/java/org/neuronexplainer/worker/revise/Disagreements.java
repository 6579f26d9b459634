package org.neuronexplainer.worker.revise;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.common.run.RunSpec;

/**
 * The excerpts one explanation got wrong, by every scorer that judged it (docs/method.md 16.2):
 * pure, and in a fixed order, so the same scores always give the same revision prompt.
 *
 * <p>From the simulation, each scored sequence (the valid split): it fires when its true max is at
 * least half ({@value #FIRES_SHARE}) of the highest true max over the scored sequences (and that is
 * above 0); the simulation says it fires when its expected max, before calibration, is at least
 * {@value #PREDICTED_FIRES} on the 0 to 10 scale. A sequence that fires and is not predicted to is
 * a missed activation; one predicted to fire that does not, a false alarm. From each classification
 * scorer, the excerpts it answered wrong ({@link ClassifiedExplanation#wrong()}): a positive label
 * answered no is a missed activation, a negative label answered yes a false alarm.
 *
 * <p>Order: the simulation's sequences in order, then detection's and fuzzing's excerpts in the
 * order they were shown; an excerpt whose tokens already appear on the same list is left out; each
 * list is cut to its cap (by default {@value #DEFAULT_MISSED} missed activations and {@value
 * #DEFAULT_FALSE_ALARMS} false alarms).
 */
public final class Disagreements {
  /** The share of the highest true max at which a scored sequence counts as firing. */
  public static final double FIRES_SHARE = 0.5;

  /** The expected value (0 to 10) from which the simulation counts as predicting a firing. */
  public static final double PREDICTED_FIRES = 5;

  public static final int DEFAULT_MISSED = 6;
  public static final int DEFAULT_FALSE_ALARMS = 6;

  private final List<Disagreement> missed;
  private final List<Disagreement> falseAlarms;

  private Disagreements(List<Disagreement> missed, List<Disagreement> falseAlarms) {
    this.missed = List.copyOf(missed);
    this.falseAlarms = List.copyOf(falseAlarms);
  }

  /** The disagreements of one explanation, with the default caps. */
  public static Disagreements of(
      NeuronRecord neuron,
      ScoredSimulation simulation,
      Map<ClassifierKind, ClassifiedExplanation> classified) {
    return of(neuron, simulation, classified, DEFAULT_MISSED, DEFAULT_FALSE_ALARMS);
  }

  /**
   * The disagreements of one explanation.
   *
   * @param neuron the neuron, to look up the activations of a classification scorer's excerpts
   * @param simulation the explanation's scored simulation; null when it was not simulated
   * @param classified its classification by each scorer that judged it
   */
  public static Disagreements of(
      NeuronRecord neuron,
      ScoredSimulation simulation,
      Map<ClassifierKind, ClassifiedExplanation> classified,
      int maxMissed,
      int maxFalseAlarms) {
    List<Disagreement> all = new ArrayList<>();
    if (simulation != null) {
      all.addAll(fromSimulation(simulation));
    }
    for (ClassifierKind kind : ClassifierKind.values()) {
      ClassifiedExplanation one = classified.get(kind);
      if (one != null) {
        all.addAll(fromClassification(kind, one, neuron));
      }
    }
    return new Disagreements(
        capped(all.stream().filter(Disagreement::missed).toList(), maxMissed),
        capped(all.stream().filter(d -> !d.missed()).toList(), maxFalseAlarms));
  }

  /** The simulation's missed activations and false alarms, in sequence order. */
  public static List<Disagreement> fromSimulation(ScoredSimulation simulation) {
    List<ScoredSequenceSimulation> sequences = simulation.scoredSequenceSimulations();
    double top = 0;
    for (ScoredSequenceSimulation sequence : sequences) {
      top = Math.max(top, max(sequence.trueActivations()));
    }
    List<Disagreement> wrong = new ArrayList<>();
    for (ScoredSequenceSimulation sequence : sequences) {
      double[] real = sequence.trueActivations();
      double[] predicted = predicted(sequence.simulation());
      boolean fires = top > 0 && max(real) >= FIRES_SHARE * top;
      boolean said = max(predicted) >= PREDICTED_FIRES;
      if (fires == said) {
        continue;
      }
      List<String> tokens = sequence.simulation().tokens();
      List<Integer> marked =
          fires ? firing(real) : positions(predicted.length, t -> predicted[t] >= PREDICTED_FIRES);
      wrong.add(new Disagreement(RunSpec.SIMULATION, fires, tokens, real, marked));
    }
    return wrong;
  }

  /** The excerpts one classification scorer got wrong, in the order they were shown. */
  public static List<Disagreement> fromClassification(
      ClassifierKind kind, ClassifiedExplanation classified, NeuronRecord neuron) {
    List<Disagreement> wrong = new ArrayList<>();
    for (ClassifiedExcerpt excerpt : classified.wrong()) {
      double[] activations = activations(neuron, excerpt);
      boolean missed = excerpt.label();
      List<Integer> marked;
      if (kind == ClassifierKind.FUZZING) {
        marked = excerpt.highlighted();
      } else if (missed && activations != null) {
        marked = firing(activations);
      } else {
        marked = List.of();
      }
      wrong.add(new Disagreement(kind.wireName(), missed, excerpt.tokens(), activations, marked));
    }
    return wrong;
  }

  public List<Disagreement> missed() {
    return missed;
  }

  public List<Disagreement> falseAlarms() {
    return falseAlarms;
  }

  /** True when the explanation got nothing wrong. */
  public boolean isEmpty() {
    return missed.isEmpty() && falseAlarms.isEmpty();
  }

  /** The prediction on the 0 to 10 scale: the uncalibrated one where calibration kept it. */
  private static double[] predicted(SequenceSimulation simulation) {
    SequenceSimulation raw =
        simulation.uncalibratedSimulation() != null
            ? simulation.uncalibratedSimulation()
            : simulation;
    return raw.expectedActivations();
  }

  /** The positions at or above half of the excerpt's peak, when it is above 0. */
  private static List<Integer> firing(double[] activations) {
    double peak = max(activations);
    if (!(peak > 0)) {
      return List.of();
    }
    return positions(activations.length, t -> activations[t] >= FIRES_SHARE * peak);
  }

  private static List<Integer> positions(int length, IntPredicate keep) {
    return IntStream.range(0, length).filter(keep).boxed().toList();
  }

  private static double max(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double value : values) {
      max = Math.max(max, value);
    }
    return values.length == 0 ? 0 : max;
  }

  /** The first {@code cap} of {@code list}, an excerpt whose tokens came before left out. */
  private static List<Disagreement> capped(List<Disagreement> list, int cap) {
    Set<List<String>> seen = new HashSet<>();
    List<Disagreement> kept = new ArrayList<>();
    for (Disagreement one : list) {
      if (kept.size() < cap && seen.add(one.tokens())) {
        kept.add(one);
      }
    }
    return kept;
  }

  /**
   * The activations of a classification scorer's excerpt, from its id ({@code top:I}, {@code
   * random:I}, {@code quantile:B:I}); null when the id names no record of these tokens.
   */
  static double[] activations(NeuronRecord neuron, ClassifiedExcerpt excerpt) {
    String[] parts = excerpt.id().split(":");
    ActivationRecord record;
    try {
      record =
          switch (parts[0]) {
            case "top" -> neuron.mostPositiveActivationRecords().get(Integer.parseInt(parts[1]));
            case "random" -> neuron.randomSample().get(Integer.parseInt(parts[1]));
            case "quantile" ->
                neuron
                    .randomSampleByQuantile()
                    .get(Integer.parseInt(parts[1]))
                    .get(Integer.parseInt(parts[2]));
            default -> null;
          };
    } catch (RuntimeException e) {
      return null;
    }
    return record != null && record.tokens().equals(excerpt.tokens()) ? record.activations() : null;
  }
}
