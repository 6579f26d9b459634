package org.neuronexplainer.cli.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.score.Rescoring;

/**
 * {@code rescore} for a neuron's explanation rounds (docs/method.md 16.3): each scorer's scores set
 * again from the results recomputed beside the rounds file, in the scorers' order, which picks the
 * best again. Works on a store seen from the folder that holds {@code rounds/}: a dataset's root,
 * whose rounds describe its view, or a run's folder {@code runs/{run}/}.
 */
final class RoundsRescoring {
  private RoundsRescoring() {}

  /**
   * A neuron's rounds as stored and as rescored.
   *
   * @param kept the scorers in the rounds whose results file is absent: their scores stay as stored
   */
  record Outcome(ExplanationRounds stored, ExplanationRounds rescored, List<String> kept) {

    /** Whether the rescored rounds differ from the stored ones, so the file is to be written. */
    boolean changed() {
      return !rescored.equals(stored);
    }

    /** Whether another explanation is best now. */
    boolean newBest() {
      return !Objects.equals(stored.best(), rescored.best());
    }
  }

  /**
   * Rescores the rounds of {@code neuron} in {@code store}, writing nothing.
   *
   * @param topCount the leading sequences of each simulation that are top ones ({@link Rescoring})
   * @param where how a key is named in errors (the file's path)
   * @throws IllegalArgumentException naming the file, when a file is absent or does not parse, or
   *     when the results do not list the rounds' explanations, in the same order
   */
  static Outcome rescore(
      BlobStore store, NeuronId neuron, int topCount, UnaryOperator<String> where) {
    String roundsKey = RunRecords.roundsKey(neuron);
    String roundsName = where.apply(roundsKey);
    ExplanationRounds stored =
        ClassificationJson.readRounds(
            store
                .get(roundsKey)
                .orElseThrow(() -> new IllegalArgumentException(roundsName + ": no such file")),
            roundsName);
    if (!stored.neuronId().equals(neuron)) {
      throw new IllegalArgumentException(
          roundsName + ": holds the rounds of neuron " + stored.neuronId() + ", not " + neuron);
    }
    ExplanationRounds rounds = stored;
    List<String> kept = new ArrayList<>();
    for (String scorer : RunSpec.SCORERS) {
      if (!scored(stored, scorer)) {
        continue;
      }
      List<Double> scores = scores(store, neuron, scorer, stored, roundsName, topCount, where);
      if (scores == null) {
        kept.add(scorer);
      } else {
        rounds = rounds.withScores(scorer, scores);
      }
    }
    return new Outcome(stored, rounds, List.copyOf(kept));
  }

  /** Whether the rounds carry scores by {@code scorer}, or pick the best by it. */
  private static boolean scored(ExplanationRounds rounds, String scorer) {
    return rounds.selectBy().equals(scorer)
        || rounds.explanations().stream().anyMatch(e -> e.scores().containsKey(scorer));
  }

  /** The recomputed scores by {@code scorer}, one per explanation; null without its results. */
  private static List<Double> scores(
      BlobStore store,
      NeuronId neuron,
      String scorer,
      ExplanationRounds rounds,
      String roundsName,
      int topCount,
      UnaryOperator<String> where) {
    boolean simulation = scorer.equals(RunSpec.SIMULATION);
    String key =
        simulation
            ? RunRecords.explanationKey(neuron)
            : RunRecords.classificationKey(scorer, neuron);
    byte[] bytes = store.get(key).orElse(null);
    if (bytes == null) {
      return null;
    }
    String name = where.apply(key);
    List<String> texts = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    if (simulation) {
      NeuronSimulationResults results = simulationResults(bytes, name, neuron);
      for (ScoredExplanation one : results.scoredExplanations()) {
        texts.add(one.explanation());
        double score = Rescoring.of(one.scoredSimulation(), topCount).all().evCorrelation();
        scores.add(Double.isFinite(score) ? score : null);
      }
    } else {
      ClassificationResults results = ClassificationJson.read(bytes, name);
      if (!results.neuronId().equals(neuron) || !results.scorer().wireName().equals(scorer)) {
        throw new IllegalArgumentException(
            name
                + ": holds the "
                + results.scorer().wireName()
                + " results of neuron "
                + results.neuronId()
                + ", not the "
                + scorer
                + " results of "
                + neuron);
      }
      for (ClassifiedExplanation one : results.explanations()) {
        texts.add(one.explanation());
        scores.add(one.recompute().metrics().balancedAccuracy());
      }
    }
    checkSameExplanations(rounds, roundsName, texts, name);
    return scores;
  }

  private static NeuronSimulationResults simulationResults(
      byte[] bytes, String name, NeuronId neuron) {
    NeuronSimulationResults results;
    try {
      results = DatasetJson.read(bytes, name, NeuronSimulationResults.class);
    } catch (DatasetFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!results.neuronId().equals(neuron)) {
      throw new IllegalArgumentException(
          name + ": holds the results of neuron " + results.neuronId() + ", not " + neuron);
    }
    return results;
  }

  /** The order contract: the results list the rounds' explanations, the same texts in order. */
  private static void checkSameExplanations(
      ExplanationRounds rounds, String roundsName, List<String> texts, String resultsName) {
    List<RoundExplanation> listed = rounds.explanations();
    if (listed.size() != texts.size()) {
      throw new IllegalArgumentException(
          roundsName
              + ": lists "
              + listed.size()
              + " explanations but "
              + resultsName
              + " has "
              + texts.size()
              + "; nothing rewritten");
    }
    for (int i = 0; i < texts.size(); i++) {
      if (!listed.get(i).explanation().equals(texts.get(i))) {
        throw new IllegalArgumentException(
            roundsName
                + ": explanation "
                + i
                + " is \""
                + listed.get(i).explanation()
                + "\" but in "
                + resultsName
                + " it is \""
                + texts.get(i)
                + "\"; nothing rewritten");
      }
    }
  }
}
