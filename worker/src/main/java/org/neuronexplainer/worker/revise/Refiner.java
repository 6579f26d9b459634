package org.neuronexplainer.worker.revise;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.Explanation;

/**
 * The revision rounds of one neuron (docs/method.md 16.2): after round 0 (the explainer's k
 * explanations, scored), each round picks the best explanation so far by the run's {@code selectBy}
 * score ({@link ExplanationRounds#best}), gathers the excerpts it got wrong ({@link
 * Disagreements}), asks the reviser for a revised explanation, and scores it with every scorer of
 * the run on the same samples; the revision is appended, whether or not it is better, and the best
 * is picked again from all. Revision stops early, with the reason in {@code stopped}, when no
 * explanation has a {@code selectBy} score, when the best got nothing wrong, or when the revision
 * repeats the text of an earlier explanation (it would score the same).
 */
public final class Refiner {
  /** Why revision stopped when the best explanation got nothing wrong. */
  public static final String NOTHING_WRONG = "the best explanation got nothing wrong";

  /** Scores explanations with every scorer of the run. */
  @FunctionalInterface
  public interface Scorer {
    NeuronScores score(List<String> explanations);
  }

  /** Every explanation scored, in order, and the rounds file that describes them. */
  public record Outcome(NeuronScores scores, ExplanationRounds rounds) {}

  private final Refinement refinement;
  private final Scorer scorer;
  private final Function<Revision, Explanation> reviser;

  /**
   * @param reviser the revised explanation of a revision, when it has come (a failure fails the
   *     neuron)
   */
  public Refiner(Refinement refinement, Scorer scorer, Function<Revision, Explanation> reviser) {
    this.refinement = refinement;
    this.scorer = scorer;
    this.reviser = reviser;
  }

  /** The rounds of {@code neuron}, starting from its scored round-0 explanations. */
  public Outcome refine(NeuronRecord neuron, ExplainerInput input, NeuronScores first) {
    String selectBy = refinement.selectBy();
    NeuronScores scores = first;
    List<RoundExplanation> rounds = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      rounds.add(new RoundExplanation(0, first.explanation(i), null, first.scores(i)));
    }
    String stopped = null;
    for (int round = 1; round <= refinement.revisions(); round++) {
      Integer best = ExplanationRounds.best(rounds, selectBy);
      if (best == null) {
        stopped = "no explanation has a " + selectBy + " score";
        break;
      }
      Disagreements wrong =
          Disagreements.of(
              neuron, scores.simulated(best).scoredSimulation(), scores.classified(best));
      if (wrong.isEmpty()) {
        stopped = NOTHING_WRONG;
        break;
      }
      String revised =
          reviser
              .apply(
                  new Revision(
                      input, scores.explanation(best), wrong.missed(), wrong.falseAlarms()))
              .text();
      int earlier = scores.explanations().indexOf(revised);
      if (earlier >= 0) {
        stopped = "the revision of round " + round + " repeats explanation " + earlier;
        break;
      }
      NeuronScores added = scorer.score(List.of(revised));
      scores = scores.append(added);
      rounds.add(new RoundExplanation(round, revised, best, added.scores(0)));
    }
    return new Outcome(scores, ExplanationRounds.of(neuron.neuronId(), selectBy, rounds, stopped));
  }
}
