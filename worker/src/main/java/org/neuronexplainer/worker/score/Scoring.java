package org.neuronexplainer.worker.score;

import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;

/**
 * Scores simulations against real activations (docs/method.md 5.1): each sequence on its own, and
 * all sequences pooled into one vector. The pooled score is not an average of per-sequence scores:
 * it is the score of the concatenation, so a simulator that predicts high everywhere is penalized
 * by the near-zero random records.
 */
public final class Scoring {
  private Scoring() {}

  /** One sequence's simulation scored against its real (not normalized) activations. */
  public static ScoredSequenceSimulation scoreSequence(
      SequenceSimulation simulation, double[] trueActivations) {
    ScoreSet scores = ScoreSet.of(trueActivations, simulation.expectedActivations());
    return new ScoredSequenceSimulation(
        simulation,
        trueActivations,
        scores.evCorrelation(),
        scores.rsquared(),
        scores.absoluteDevExplained());
  }

  /**
   * Scores {@code simulations.get(i)} against {@code trueActivations.get(i)} and pools them all.
   * Order is kept: for the valid split that is top records first, then random ones.
   */
  public static ScoredSimulation score(
      List<SequenceSimulation> simulations, List<double[]> trueActivations) {
    if (simulations.size() != trueActivations.size()) {
      throw new IllegalArgumentException(
          simulations.size()
              + " simulations but "
              + trueActivations.size()
              + " true activation sequences");
    }
    List<ScoredSequenceSimulation> sequences = new ArrayList<>(simulations.size());
    for (int i = 0; i < simulations.size(); i++) {
      sequences.add(scoreSequence(simulations.get(i), trueActivations.get(i)));
    }
    return aggregate(sequences);
  }

  /** {@link #score} with the real activations taken from the records that were simulated. */
  public static ScoredSimulation scoreRecords(
      List<ActivationRecord> records, List<SequenceSimulation> simulations) {
    return score(simulations, records.stream().map(ActivationRecord::activations).toList());
  }

  /**
   * Keeps each sequence's stored scores and adds the pooled scores of all their tokens (the
   * original's {@code aggregate_scored_sequence_simulations}).
   */
  public static ScoredSimulation aggregate(List<ScoredSequenceSimulation> sequences) {
    ScoreSet pooled = pooled(sequences);
    return new ScoredSimulation(
        sequences, pooled.evCorrelation(), pooled.rsquared(), pooled.absoluteDevExplained());
  }

  /** The scores of all tokens of {@code sequences} concatenated in order; NaN if there are none. */
  public static ScoreSet pooled(List<ScoredSequenceSimulation> sequences) {
    int total = sequences.stream().mapToInt(s -> s.trueActivations().length).sum();
    double[] real = new double[total];
    double[] predicted = new double[total];
    int at = 0;
    for (ScoredSequenceSimulation sequence : sequences) {
      double[] sequenceReal = sequence.trueActivations();
      double[] sequencePredicted = sequence.simulation().expectedActivations();
      System.arraycopy(sequenceReal, 0, real, at, sequenceReal.length);
      System.arraycopy(sequencePredicted, 0, predicted, at, sequencePredicted.length);
      at += sequenceReal.length;
    }
    return ScoreSet.of(real, predicted);
  }

  /**
   * The same simulations and true activations with every score, per sequence and pooled, recomputed
   * from them; what a stored file's scores should have been.
   */
  public static ScoredSimulation rescore(ScoredSimulation stored) {
    return score(
        stored.scoredSequenceSimulations().stream()
            .map(ScoredSequenceSimulation::simulation)
            .toList(),
        stored.scoredSequenceSimulations().stream()
            .map(ScoredSequenceSimulation::trueActivations)
            .toList());
  }
}
