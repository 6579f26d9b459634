package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * How one neuron's explanations were found and which is best (docs/method.md 16.3): the k first
 * explanations (round 0), then one revised explanation per revision round, each with its scores, in
 * the order they appear in the run's results and classification files. The file {@link
 * ClassificationJson} reads and writes beside them.
 *
 * @param version the layout's version, {@value #VERSION}
 * @param selectBy the scorer whose score picks the best explanation
 * @param explanations every explanation, round 0 first
 * @param best the index of the best explanation by {@code selectBy}: the highest score, the
 *     earliest of equals; null when none has that score
 * @param stopped why revision stopped before the rounds asked for, or null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExplanationRounds(
    @JsonProperty("version") int version,
    @JsonProperty("layer_index") int layerIndex,
    @JsonProperty("neuron_index") int neuronIndex,
    @JsonProperty("select_by") String selectBy,
    @JsonProperty("explanations") List<RoundExplanation> explanations,
    @JsonProperty("best") Integer best,
    @JsonProperty("stopped") String stopped) {

  /** The layout this code writes and reads. */
  public static final int VERSION = 1;

  public ExplanationRounds {
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "explanation rounds version " + version + " is not supported (only " + VERSION + ")");
    }
    new NeuronId(layerIndex, neuronIndex);
    Objects.requireNonNull(selectBy, "select_by");
    explanations = List.copyOf(explanations);
    if (explanations.isEmpty()) {
      throw new IllegalArgumentException("explanation rounds list no explanation");
    }
    for (int i = 0; i < explanations.size(); i++) {
      RoundExplanation one = explanations.get(i);
      if (i > 0 && one.round() < explanations.get(i - 1).round()) {
        throw new IllegalArgumentException(
            "explanation " + i + " is of round " + one.round() + ", before the one above it");
      }
      if (one.revisedFrom() != null && one.revisedFrom() >= i) {
        throw new IllegalArgumentException(
            "explanation " + i + " is revised from " + one.revisedFrom() + ", not an earlier one");
      }
    }
    Integer expected = best(explanations, selectBy);
    if (!Objects.equals(best, expected)) {
      throw new IllegalArgumentException(
          "best is " + best + " but the " + selectBy + " scores make it " + expected);
    }
  }

  /** The rounds of {@code neuron} with the best picked by {@code selectBy}. */
  public static ExplanationRounds of(
      NeuronId neuron, String selectBy, List<RoundExplanation> explanations, String stopped) {
    return new ExplanationRounds(
        VERSION,
        neuron.layerIndex(),
        neuron.neuronIndex(),
        selectBy,
        explanations,
        best(explanations, selectBy),
        stopped);
  }

  public NeuronId neuronId() {
    return new NeuronId(layerIndex, neuronIndex);
  }

  /**
   * The index of the best of {@code explanations} by {@code scorer}: the highest finite score, the
   * earliest of equals; null when none has one.
   */
  public static Integer best(List<RoundExplanation> explanations, String scorer) {
    Integer best = null;
    double top = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < explanations.size(); i++) {
      Double score = explanations.get(i).score(scorer);
      if (score != null && Double.isFinite(score) && (best == null || score > top)) {
        best = i;
        top = score;
      }
    }
    return best;
  }

  /** The best explanation, or null when none has a score by {@code selectBy}. */
  public RoundExplanation bestExplanation() {
    return best == null ? null : explanations.get(best);
  }

  /** The number of revision rounds that were run. */
  public int revisionRounds() {
    return explanations.get(explanations.size() - 1).round();
  }

  /**
   * The same rounds with the scores of {@code scorer} replaced by {@code scores} (one per
   * explanation, in order, null where there is none) and the best picked again: what {@code
   * rescore} writes after recomputing a scorer's results.
   */
  public ExplanationRounds withScores(String scorer, List<Double> scores) {
    if (scores.size() != explanations.size()) {
      throw new IllegalArgumentException(
          scores.size()
              + " "
              + scorer
              + " scores for "
              + explanations.size()
              + " explanations of the rounds");
    }
    List<RoundExplanation> rescored = new ArrayList<>(explanations.size());
    for (int i = 0; i < explanations.size(); i++) {
      rescored.add(explanations.get(i).withScore(scorer, scores.get(i)));
    }
    return new ExplanationRounds(
        version, layerIndex, neuronIndex, selectBy, rescored, best(rescored, selectBy), stopped);
  }

  /** The scores of every explanation by scorer: a convenience for summaries. */
  public List<Map<String, Double>> scores() {
    return explanations.stream().map(RoundExplanation::scores).toList();
  }
}
