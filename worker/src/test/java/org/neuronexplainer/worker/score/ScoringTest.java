package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;

class ScoringTest {

  private static final double EXACT = 1e-12;

  static SequenceSimulation simulation(double... expected) {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < expected.length; i++) {
      tokens.add(" t" + i);
    }
    return new SequenceSimulation(
        tokens,
        expected,
        ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
        List.of(),
        List.of(),
        null);
  }

  @Test
  void aSequenceKeepsItsSimulationAndTrueActivationsAndGetsItsOwnScores() {
    SequenceSimulation simulation = simulation(1, 3, 2);

    ScoredSequenceSimulation scored = Scoring.scoreSequence(simulation, new double[] {1, 2, 3});

    // Hand-computed in ScoreFormulasTest: correlation 0.5.
    // rsquared: errors [0,-1,1] -> sum sq 2; sum r^2 = 14 -> 1 - 2/14 = 6/7.
    // absolute dev: sum |r-p| = 2; sum |r| = 6 -> 1 - 2/6 = 2/3.
    assertThat(scored.simulation()).isEqualTo(simulation);
    assertThat(scored.trueActivations()).containsExactly(1, 2, 3);
    assertThat(scored.evCorrelationScore()).isCloseTo(0.5, within(EXACT));
    assertThat(scored.rsquaredScore()).isCloseTo(6.0 / 7.0, within(EXACT));
    assertThat(scored.absoluteDevExplainedScore()).isCloseTo(2.0 / 3.0, within(EXACT));
  }

  @Test
  void pooledScoresAreOfTheConcatenationNotTheAverageOfSequences() {
    // Each sequence alone correlates perfectly (1.0), so an average would be 1.0.
    // Pooled: r = [0,1,0,1], p = [0,1,5,6]; means 0.5 and 3; dr = [-.5,.5,-.5,.5],
    // dp = [-3,-2,2,3]; sum dr*dp = 1.5 - 1 - 1 + 1.5 = 1; sum dr^2 = 1; sum dp^2 = 26
    // -> 1 / sqrt(26).
    ScoredSimulation scored =
        Scoring.score(
            List.of(simulation(0, 1), simulation(5, 6)),
            List.of(new double[] {0, 1}, new double[] {0, 1}));

    assertThat(scored.scoredSequenceSimulations())
        .extracting(ScoredSequenceSimulation::evCorrelationScore)
        .allSatisfy(score -> assertThat(score).isCloseTo(1.0, within(EXACT)));
    assertThat(scored.evCorrelationScore()).isCloseTo(1 / Math.sqrt(26), within(EXACT));
    // rsquared: sum sq err = 0 + 0 + 25 + 25 = 50; sum r^2 = 2 -> 1 - 25 = -24.
    assertThat(scored.rsquaredScore()).isCloseTo(-24.0, within(EXACT));
    // absolute dev: sum |err| = 10; sum |r| = 2 -> 1 - 5 = -4.
    assertThat(scored.absoluteDevExplainedScore()).isCloseTo(-4.0, within(EXACT));
  }

  @Test
  void aConstantSimulationHasNoCorrelationPerSequenceOrPooled() {
    ScoredSimulation scored =
        Scoring.score(
            List.of(simulation(2, 2, 2), simulation(2, 2)),
            List.of(new double[] {0, 3, 1}, new double[] {0, 0}));

    assertThat(scored.evCorrelationScore()).isNaN();
    assertThat(scored.scoredSequenceSimulations())
        .extracting(ScoredSequenceSimulation::evCorrelationScore)
        .allSatisfy(score -> assertThat(score).isNaN());
    // The random-like second sequence is all zero: its rsquared is undefined too.
    assertThat(scored.scoredSequenceSimulations().get(1).rsquaredScore()).isNaN();
  }

  @Test
  void noSequencesScoreNaN() {
    ScoredSimulation scored = Scoring.score(List.of(), List.of());

    assertThat(scored.scoredSequenceSimulations()).isEmpty();
    assertThat(scored.evCorrelationScore()).isNaN();
    assertThat(scored.rsquaredScore()).isNaN();
    assertThat(scored.absoluteDevExplainedScore()).isNaN();
  }

  @Test
  void emptySequencesAddNothingToThePool() {
    // The pool is [1,2,3] vs [1,3,2] either way: correlation 0.5.
    ScoredSimulation scored =
        Scoring.score(
            List.of(simulation(), simulation(1, 3, 2), simulation()),
            List.of(new double[0], new double[] {1, 2, 3}, new double[0]));

    assertThat(scored.evCorrelationScore()).isCloseTo(0.5, within(EXACT));
    assertThat(scored.scoredSequenceSimulations().get(0).evCorrelationScore()).isNaN();
  }

  @Test
  void scoringRecordsUsesTheirActivationsInOrder() {
    List<ActivationRecord> records =
        List.of(
            new ActivationRecord(List.of(" a", " b"), new double[] {0, 1}),
            new ActivationRecord(List.of(" c", " d"), new double[] {0, 1}));
    List<SequenceSimulation> simulations = List.of(simulation(0, 1), simulation(5, 6));

    ScoredSimulation scored = Scoring.scoreRecords(records, simulations);

    assertThat(scored.evCorrelationScore()).isCloseTo(1 / Math.sqrt(26), within(EXACT));
    assertThat(scored.scoredSequenceSimulations().get(1).trueActivations()).containsExactly(0, 1);
  }

  @Test
  void mismatchedCountsAndLengthsAreRejected() {
    assertThatThrownBy(() -> Scoring.score(List.of(simulation(1)), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 simulations but 0");
    assertThatThrownBy(
            () -> Scoring.score(List.of(simulation(1, 2)), List.of(new double[] {1, 2, 3})))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rescoreReplacesWrongStoredScoresWithRecomputedOnes() {
    ScoredSimulation right =
        Scoring.score(
            List.of(simulation(0, 1), simulation(5, 6)),
            List.of(new double[] {0, 1}, new double[] {0, 1}));
    List<ScoredSequenceSimulation> tampered =
        right.scoredSequenceSimulations().stream()
            .map(
                s ->
                    new ScoredSequenceSimulation(
                        s.simulation(), s.trueActivations(), 0.1, 0.2, 0.3))
            .toList();
    ScoredSimulation wrong = new ScoredSimulation(tampered, 0.9, Double.NaN, 0.0);

    assertThat(Scoring.rescore(wrong)).isEqualTo(right);
  }

  @Test
  void pooledScoresAreUnaffectedByHowTokensAreGroupedIntoSequences() {
    double[] real = {0.0, 0.2, 3.1, 0.0, 1.4, 0.0};
    double[] predicted = {1.0, 0.0, 8.2, 0.5, 4.0, 0.0};
    ScoredSimulation one = Scoring.score(List.of(simulation(predicted)), List.of(real));
    ScoredSimulation split =
        Scoring.score(
            List.of(
                simulation(Arrays.copyOfRange(predicted, 0, 2)),
                simulation(Arrays.copyOfRange(predicted, 2, 6))),
            List.of(Arrays.copyOfRange(real, 0, 2), Arrays.copyOfRange(real, 2, 6)));

    assertThat(split.evCorrelationScore()).isEqualTo(one.evCorrelationScore());
    assertThat(split.rsquaredScore()).isEqualTo(one.rsquaredScore());
    assertThat(split.absoluteDevExplainedScore()).isEqualTo(one.absoluteDevExplainedScore());
  }
}
