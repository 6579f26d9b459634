package org.neuronexplainer.worker.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.classify.ClassificationScorer;
import org.neuronexplainer.worker.classify.ClassifierSettings;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * {@code run --dry-run} counts the classification scorers' calls beside simulation's, scores each
 * of the refinement's k explanations, and bounds the revision rounds.
 */
class ScorersEstimateTest {
  private static final List<String> ALL = List.of("simulation", "detection", "fuzzing");
  private static final NeuronRecord NEURON = TestNeurons.canada();

  private static RunSpec spec(String explainer, List<String> scorers, Refinement refinement) {
    return new RunSpec("r", "store", null, null, explainer, "all-at-once", "none", "m", 3)
        .withScorers(scorers)
        .withRefinement(refinement);
  }

  private static RunEstimate estimate(RunSpec spec) {
    RunEstimator.Tally tally =
        new RunEstimator(LlmConfig.fromEnv(Map.of("LLM_MODEL", "m", "LLM_PRICES", "m=2:8")), 0)
            .tally(spec, PromptInputs.defaults());
    tally.add(NEURON);
    return tally.result();
  }

  private static RunEstimate.Scorer scorer(RunEstimate estimate, String name) {
    return estimate.scorers().stream()
        .filter(s -> s.scorer().equals(name))
        .findFirst()
        .orElseThrow();
  }

  // The calls of one explanation by one classification scorer: its sample in batches of 10.
  private static long calls(ClassifierKind kind) {
    int excerpts =
        new ClassificationScorer(kind, ClassifierSettings.defaults(), SliceParams.paper())
            .sample(NEURON)
            .size();
    return (excerpts + 9) / 10;
  }

  @Test
  void eachClassificationScorerIsCountedBesideSimulation() {
    RunEstimate alone = estimate(spec("baseline", List.of("simulation"), null));
    RunEstimate all = estimate(spec("baseline", ALL, null));

    assertThat(all.scorers()).extracting(RunEstimate.Scorer::scorer).isEqualTo(ALL);
    assertThat(scorer(all, "simulation")).isEqualTo(scorer(alone, "simulation"));
    assertThat(all.simulationCalls()).isEqualTo(alone.simulationCalls());
    // The baseline explainer writes one explanation; the detection sample has 20 excerpts.
    assertThat(scorer(all, "detection").calls()).isEqualTo(calls(ClassifierKind.DETECTION));
    assertThat(scorer(all, "detection").calls()).isEqualTo(2);
    assertThat(scorer(all, "fuzzing").calls()).isEqualTo(calls(ClassifierKind.FUZZING));
    for (RunEstimate.Scorer scorer : all.scorers()) {
      assertThat(scorer.promptTokens()).isPositive();
    }
    long classifying =
        scorer(all, "detection").promptTokens() + scorer(all, "fuzzing").promptTokens();
    assertThat(all.calls())
        .isEqualTo(
            alone.calls() + scorer(all, "detection").calls() + scorer(all, "fuzzing").calls());
    assertThat(all.promptTokens()).isEqualTo(alone.promptTokens() + classifying);
    assertThat(all.exact()).isTrue();
    // Completion: a classification call may answer each of its excerpts.
    assertThat(scorer(all, "detection").completionTokens()).isPositive();
    assertThat(all.costUsd())
        .isCloseTo((all.promptTokens() * 2.0 + all.completionTokens() * 8.0) / 1e6, within(1e-12));
  }

  @Test
  void theBaselineSimulatorClassifiesWithoutCalls() {
    RunSpec spec =
        new RunSpec("r", "store", null, null, "baseline", "baseline", "none", "m", 3)
            .withScorers(ALL);

    RunEstimate estimate = estimate(spec);

    assertThat(estimate.calls()).isZero();
    assertThat(estimate.scorers()).extracting(RunEstimate.Scorer::calls).containsOnly(0L);
  }

  @Test
  void kExplanationsAreEachScoredByEveryScorer() {
    RunEstimate five = estimate(spec("token-activation-pair", ALL, null));
    RunEstimate eight = estimate(spec("token-activation-pair", ALL, new Refinement(8, 0, null)));

    // One explainer call either way, asking for n = 8 instead of the explainer's own 5.
    assertThat(eight.explanationCalls()).isEqualTo(five.explanationCalls()).isEqualTo(1);
    for (String name : ALL) {
      assertThat(scorer(eight, name).calls() * 5).isEqualTo(scorer(five, name).calls() * 8);
      assertThat(scorer(eight, name).promptTokens() * 5)
          .isEqualTo(scorer(five, name).promptTokens() * 8);
    }
    long explainerCompletion =
        five.completionTokens()
            - five.scorers().stream().mapToLong(s -> s.completionTokens()).sum();
    long eightExplainerCompletion =
        eight.completionTokens()
            - eight.scorers().stream().mapToLong(s -> s.completionTokens()).sum();
    assertThat(explainerCompletion).isEqualTo(5 * 60);
    assertThat(eightExplainerCompletion).isEqualTo(8 * 60);
    assertThat(eight.assumptions()).anyMatch(a -> a.contains("n = 8"));
    assertThat(eight.revisions()).isNull();
  }

  @Test
  void theBaselineExplainerAskedForKHasItsExplanationScoredKTimes() {
    RunEstimate one = estimate(spec("baseline", ALL, null));
    RunEstimate three = estimate(spec("baseline", ALL, new Refinement(3, 0, null)));

    assertThat(three.calls()).isEqualTo(3 * one.calls());
    assertThat(three.promptTokens()).isEqualTo(3 * one.promptTokens());
    assertThat(three.exact()).isTrue();
  }

  @Test
  void revisionRoundsAreBoundedByOneExplanationsScoringAndOneExplainerCall() {
    RunSpec spec = spec("token-activation-pair", ALL, new Refinement(4, 3, "detection"));

    RunEstimate estimate = estimate(spec);
    RunEstimate.Revisions revisions = estimate.revisions();

    assertThat(revisions.rounds()).isEqualTo(3);
    long scoringCalls = estimate.calls() - estimate.explanationCalls();
    long scoringPrompt = estimate.scorers().stream().mapToLong(s -> s.promptTokens()).sum();
    long scoringCompletion = estimate.scorers().stream().mapToLong(s -> s.completionTokens()).sum();
    long explainPrompt = estimate.promptTokens() - scoringPrompt;
    // Four explanations of the same assumed length score alike: a round is a quarter of it.
    assertThat(revisions.callsPerRound()).isEqualTo(1 + scoringCalls / 4);
    assertThat(revisions.promptTokensPerRound()).isEqualTo(explainPrompt + scoringPrompt / 4);
    assertThat(revisions.completionTokensPerRound()).isEqualTo(60 + scoringCompletion / 4);
    assertThat(revisions.calls()).isEqualTo(3 * revisions.callsPerRound());
    assertThat(revisions.costUsd())
        .isCloseTo(
            3
                * (revisions.promptTokensPerRound() * 2.0
                    + revisions.completionTokensPerRound() * 8.0)
                / 1e6,
            within(1e-12));
    // Not in the totals: a round that finds nothing to revise costs nothing.
    assertThat(estimate.explanationCalls()).isEqualTo(1);
    assertThat(estimate.assumptions()).anyMatch(a -> a.contains("up to 3 rounds"));
  }
}
