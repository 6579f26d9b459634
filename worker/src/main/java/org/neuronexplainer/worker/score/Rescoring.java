package org.neuronexplainer.worker.score;

import java.util.List;
import java.util.stream.IntStream;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;

/**
 * A stored simulation's scores next to the ones recomputed offline from its own sequences
 * (docs/method.md 5.1): pooled over all sequences, over the top part only and over the random part
 * only. No model is needed, since the files keep each sequence's true activations and EVs.
 *
 * @param stored the pooled scores as written in the file
 * @param all recomputed over every sequence; should agree with {@code stored}
 * @param top recomputed over the first {@code topCount} sequences ("top-only" scoring)
 * @param random recomputed over the remaining sequences ("random-only" scoring)
 * @param topCount how many leading sequences counted as top (fewer if the file has fewer)
 * @param sequenceCount how many sequences the simulation has
 */
public record Rescoring(
    ScoreSet stored, ScoreSet all, ScoreSet top, ScoreSet random, int topCount, int sequenceCount) {

  /**
   * The valid split holds n = 5 top records first, then the random ones (docs/method.md 2.2); the
   * viewer makes the same cut (docs/method.md 1.8).
   */
  public static final int DEFAULT_TOP_COUNT = 5;

  /** Rescores with the first 5 sequences as top. */
  public static Rescoring of(ScoredSimulation simulation) {
    return of(simulation, DEFAULT_TOP_COUNT);
  }

  /**
   * Rescores with the first {@code topCount} sequences as top and the rest as random. A file with
   * at most {@code topCount} sequences has only a top part; its random scores are NaN.
   */
  public static Rescoring of(ScoredSimulation simulation, int topCount) {
    if (topCount < 0) {
      throw new IllegalArgumentException("top sequence count must not be negative: " + topCount);
    }
    List<ScoredSequenceSimulation> sequences = simulation.scoredSequenceSimulations();
    int cut = Math.min(topCount, sequences.size());
    return new Rescoring(
        ScoreSet.storedIn(simulation),
        Scoring.pooled(sequences),
        Scoring.pooled(sequences.subList(0, cut)),
        Scoring.pooled(sequences.subList(cut, sequences.size())),
        cut,
        sequences.size());
  }

  /**
   * How far a stored score may be from the recomputed one and still agree. Files keep the shortest
   * decimal that round-trips, so the only differences are in how the sums were ordered (numpy
   * versus this code): a few units in the last place, far below this.
   */
  public static final double DEFAULT_TOLERANCE = 1e-9;

  /** Whether the recomputed pooled scores agree with the stored ones within {@code tolerance}. */
  public boolean storedAgrees(double tolerance) {
    return stored.agreesWith(all, tolerance);
  }

  /** Whether the recomputed pooled scores agree with the stored ones within 1e-9. */
  public boolean storedAgrees() {
    return storedAgrees(DEFAULT_TOLERANCE);
  }

  /**
   * The indices of the sequences whose stored scores disagree with their recomputed ones (beyond
   * {@code tolerance}); empty when every per-sequence score checks out.
   */
  public static List<Integer> disagreeingSequences(ScoredSimulation simulation, double tolerance) {
    List<ScoredSequenceSimulation> sequences = simulation.scoredSequenceSimulations();
    return IntStream.range(0, sequences.size())
        .filter(i -> !agrees(sequences.get(i), tolerance))
        .boxed()
        .toList();
  }

  private static boolean agrees(ScoredSequenceSimulation sequence, double tolerance) {
    ScoreSet recomputed =
        ScoreSet.of(sequence.trueActivations(), sequence.simulation().expectedActivations());
    return ScoreSet.storedIn(sequence).agreesWith(recomputed, tolerance);
  }
}
