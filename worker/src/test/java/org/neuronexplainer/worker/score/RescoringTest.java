package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.neuronexplainer.worker.score.ScoringTest.simulation;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;

class RescoringTest {

  private static final double EXACT = 1e-12;

  /**
   * Five "top" sequences predicted well and two "random" ones predicted badly: top r = [0, k], p =
   * [0, k] for k = 1..5; random r = [0, 0.5], p = [3, 0].
   */
  private static ScoredSimulation fiveTopTwoRandom() {
    List<SequenceSimulation> simulations = new ArrayList<>();
    List<double[]> trues = new ArrayList<>();
    for (int k = 1; k <= 5; k++) {
      simulations.add(simulation(0, k));
      trues.add(new double[] {0, k});
    }
    for (int i = 0; i < 2; i++) {
      simulations.add(simulation(3, 0));
      trues.add(new double[] {0, 0.5});
    }
    return Scoring.score(simulations, trues);
  }

  @Test
  void topIsTheFirstFiveSequencesAndRandomTheRest() {
    Rescoring rescoring = Rescoring.of(fiveTopTwoRandom());

    // Top: p equals r exactly -> correlation 1, rsquared 1, absolute dev 1.
    assertThat(rescoring.top().evCorrelation()).isCloseTo(1.0, within(EXACT));
    assertThat(rescoring.top().rsquared()).isCloseTo(1.0, within(EXACT));
    assertThat(rescoring.top().absoluteDevExplained()).isCloseTo(1.0, within(EXACT));
    // Random: r = [0,.5,0,.5], p = [3,0,3,0]: perfectly anti-correlated -> -1.
    // rsquared: sum sq err = 2 * (9 + 0.25) = 18.5; sum r^2 = 0.5 -> 1 - 37 = -36.
    // absolute dev: sum |err| = 2 * 3.5 = 7; sum |r| = 1 -> 1 - 7 = -6.
    assertThat(rescoring.random().evCorrelation()).isCloseTo(-1.0, within(EXACT));
    assertThat(rescoring.random().rsquared()).isCloseTo(-36.0, within(EXACT));
    assertThat(rescoring.random().absoluteDevExplained()).isCloseTo(-6.0, within(EXACT));
    assertThat(rescoring.topCount()).isEqualTo(5);
    assertThat(rescoring.sequenceCount()).isEqualTo(7);
  }

  @Test
  void allIsThePooledScoreOfEverySequenceAndAgreesWithTheStoredOne() {
    ScoredSimulation stored = fiveTopTwoRandom();

    Rescoring rescoring = Rescoring.of(stored);

    assertThat(rescoring.all()).isEqualTo(ScoreSet.storedIn(stored));
    assertThat(rescoring.all().evCorrelation())
        .isNotCloseTo(rescoring.top().evCorrelation(), within(0.01));
    assertThat(rescoring.storedAgrees(1e-9)).isTrue();
  }

  @Test
  void aStoredScoreThatDisagreesIsReportedNextToTheRecomputedOne() {
    ScoredSimulation right = fiveTopTwoRandom();
    ScoredSimulation wrong =
        new ScoredSimulation(
            right.scoredSequenceSimulations(),
            right.evCorrelationScore() + 0.01,
            right.rsquaredScore(),
            right.absoluteDevExplainedScore());

    Rescoring rescoring = Rescoring.of(wrong);

    assertThat(rescoring.stored().evCorrelation()).isEqualTo(right.evCorrelationScore() + 0.01);
    assertThat(rescoring.all().evCorrelation()).isEqualTo(right.evCorrelationScore());
    assertThat(rescoring.storedAgrees(1e-3)).isFalse();
    assertThat(rescoring.storedAgrees(0.02)).isTrue();
  }

  @Test
  void aStoredNullAgreesOnlyWithAnUndefinedScore() {
    ScoredSimulation right = fiveTopTwoRandom();
    ScoredSimulation storedNull =
        new ScoredSimulation(
            right.scoredSequenceSimulations(),
            Double.NaN,
            right.rsquaredScore(),
            right.absoluteDevExplainedScore());

    assertThat(Rescoring.of(storedNull).storedAgrees(1.0)).isFalse();
  }

  @Test
  void theTopCountIsAParameter() {
    Rescoring rescoring = Rescoring.of(fiveTopTwoRandom(), 6);

    // Random is now the last sequence alone: r = [0, .5], p = [3, 0] -> correlation -1.
    assertThat(rescoring.topCount()).isEqualTo(6);
    assertThat(rescoring.random().evCorrelation()).isCloseTo(-1.0, within(EXACT));
    assertThat(rescoring.top().evCorrelation()).isLessThan(1.0);
  }

  @Test
  void withNoMoreSequencesThanTheTopCountRandomIsUndefined() {
    ScoredSimulation three =
        Scoring.score(
            List.of(simulation(0, 1), simulation(0, 2), simulation(1, 0)),
            List.of(new double[] {0, 1}, new double[] {0, 2}, new double[] {0, 1}));

    Rescoring rescoring = Rescoring.of(three);

    assertThat(rescoring.topCount()).isEqualTo(3);
    assertThat(rescoring.top()).isEqualTo(rescoring.all());
    assertThat(rescoring.random().evCorrelation()).isNaN();
    assertThat(rescoring.random().rsquared()).isNaN();
  }

  @Test
  void aConstantSimulationRescoresToAnUndefinedCorrelationEverywhere() {
    List<SequenceSimulation> simulations = new ArrayList<>();
    List<double[]> trues = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      simulations.add(simulation(0, 0, 0));
      trues.add(new double[] {0, i < 5 ? 2.5 : 0.1, 0});
    }

    Rescoring rescoring = Rescoring.of(Scoring.score(simulations, trues));

    assertThat(rescoring.stored().evCorrelation()).isNaN();
    assertThat(rescoring.all().evCorrelation()).isNaN();
    assertThat(rescoring.top().evCorrelation()).isNaN();
    assertThat(rescoring.random().evCorrelation()).isNaN();
    assertThat(rescoring.storedAgrees(1e-9)).isTrue();
  }

  @Test
  void sequencesWhoseStoredScoresDisagreeAreListedByIndex() {
    ScoredSimulation right = fiveTopTwoRandom();
    List<ScoredSequenceSimulation> sequences = new ArrayList<>(right.scoredSequenceSimulations());
    ScoredSequenceSimulation third = sequences.get(2);
    sequences.set(
        2,
        new ScoredSequenceSimulation(
            third.simulation(),
            third.trueActivations(),
            third.evCorrelationScore(),
            third.rsquaredScore() - 0.5,
            third.absoluteDevExplainedScore()));
    ScoredSimulation tampered =
        new ScoredSimulation(
            sequences,
            right.evCorrelationScore(),
            right.rsquaredScore(),
            right.absoluteDevExplainedScore());

    assertThat(Rescoring.disagreeingSequences(right, Rescoring.DEFAULT_TOLERANCE)).isEmpty();
    assertThat(Rescoring.disagreeingSequences(tampered, Rescoring.DEFAULT_TOLERANCE))
        .containsExactly(2);
    assertThat(Rescoring.of(tampered).storedAgrees()).isTrue();
  }

  @Test
  void aNegativeTopCountIsRejected() {
    assertThatThrownBy(() -> Rescoring.of(fiveTopTwoRandom(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
