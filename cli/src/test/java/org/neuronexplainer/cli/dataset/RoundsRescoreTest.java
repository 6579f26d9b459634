package org.neuronexplainer.cli.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import picocli.CommandLine;

/**
 * {@code rescore} sets a rounds file's scores from the results recomputed beside it and picks the
 * best again; the expected scores are computed here, apart from the code under test.
 */
class RoundsRescoreTest {

  private static final NeuronId NEURON = new NeuronId(2, 5);
  private static final List<String> TOKENS =
      List.of(" a", " b", " c", " d", " e", " f", " g", " h");
  private static final double[] TRUE = {0, 0.1, 0.2, 0.3, 1, 2, 3, 10};

  /** Round 0's two explanations, then one revision of the first. */
  private static final List<String> TEXTS =
      List.of("the spike at h", "letters late in the alphabet", "the spike at h, revised");

  /**
   * Each explanation's simulation, uncalibrated: the first gets the spike but the order below it
   * wrong, the second the order right but not the spike, the revision the order backwards.
   */
  private static final double[][] RAW = {
    {0.3, 0.2, 0.1, 0.0, 0.4, 0.5, 0.6, 9.0},
    {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7},
    {0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0}
  };

  /** Each explanation's detection answers for excerpts labelled true, true, false, false. */
  private static final boolean[][] ANSWERS = {
    {true, true, false, true}, {true, false, false, false}, {false, false, true, true}
  };

  @TempDir Path dir;

  @Test
  void anotherCalibrationChangesTheBestAndTheRecomputedScoresAreSetInOrder() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    BlobStore run = store.under("runs/r1/");
    double[][] calibrated =
        Arrays.stream(RAW).map(RoundsRescoreTest::byRank).toArray(double[][]::new);
    writeNeuron(run, calibrated, storedRounds());

    RoundsRescoring.Outcome outcome = RoundsRescoring.rescore(run, NEURON, 5, key -> key);

    assertThat(outcome.stored().best()).as("by the uncalibrated scores").isZero();
    assertThat(pearson(TRUE, RAW[0])).isGreaterThan(pearson(TRUE, RAW[1]));
    assertThat(pearson(TRUE, calibrated[1])).isGreaterThan(pearson(TRUE, calibrated[0]));
    ExplanationRounds rescored = outcome.rescored();
    assertThat(rescored.best()).isEqualTo(1);
    assertThat(outcome.changed()).isTrue();
    assertThat(outcome.newBest()).isTrue();
    assertThat(outcome.kept()).isEmpty();
    for (int i = 0; i < TEXTS.size(); i++) {
      RoundExplanation one = rescored.explanations().get(i);
      assertThat(one.explanation()).isEqualTo(TEXTS.get(i));
      assertThat(one.score("simulation")).isCloseTo(pearson(TRUE, calibrated[i]), within(1e-12));
      assertThat(one.score("detection")).isEqualTo(balancedAccuracy(ANSWERS[i]));
      assertThat(one.round()).isEqualTo(i < 2 ? 0 : 1);
    }
    assertThat(rescored.explanations().get(2).revisedFrom()).isZero();
    assertThat(rescored.selectBy()).isEqualTo("simulation");
    assertThat(rescored.stopped()).isEqualTo("no better revision");
  }

  @Test
  void picksTheBestByTheScorerTheRoundsNameAndKeepsAScorerWithoutResults() {
    InMemoryBlobStore view = new InMemoryBlobStore();
    ExplanationRounds byDetection = storedRounds("detection", Map.of("fuzzing", 0.75));
    writeNeuron(view, RAW, byDetection);

    RoundsRescoring.Outcome outcome = RoundsRescoring.rescore(view, NEURON, 5, key -> key);

    // Detection balanced accuracies 0.75, 0.75, 0.0: the earliest of equals.
    assertThat(outcome.stored().best()).as("by the stale stored detection scores").isEqualTo(2);
    assertThat(outcome.rescored().best()).isZero();
    assertThat(outcome.kept()).containsExactly("fuzzing");
    assertThat(outcome.rescored().explanations())
        .allSatisfy(one -> assertThat(one.score("fuzzing")).isEqualTo(0.75));
  }

  @Test
  void unchangedScoresLeaveTheRoundsAsTheyAre() {
    InMemoryBlobStore view = new InMemoryBlobStore();
    writeNeuron(view, RAW, storedRounds());
    ExplanationRounds once = RoundsRescoring.rescore(view, NEURON, 5, key -> key).rescored();
    view.put(RunRecords.roundsKey(NEURON), ClassificationJson.toBytes(once));

    RoundsRescoring.Outcome again = RoundsRescoring.rescore(view, NEURON, 5, key -> key);

    assertThat(again.changed()).isFalse();
    assertThat(again.newBest()).isFalse();
  }

  @Test
  void roundsThatDoNotListTheResultsExplanationsAreAnErrorNamingTheFile() {
    InMemoryBlobStore view = new InMemoryBlobStore();
    writeNeuron(view, RAW, storedRounds());
    List<RoundExplanation> two = storedRounds().explanations().subList(0, 2);
    view.put(
        RunRecords.roundsKey(NEURON),
        ClassificationJson.toBytes(ExplanationRounds.of(NEURON, "simulation", two, null)));

    assertThatThrownBy(() -> RoundsRescoring.rescore(view, NEURON, 5, key -> "at/" + key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "at/rounds/2/5.json: lists 2 explanations but at/explanations/2/5.jsonl has 3;"
                + " nothing rewritten");

    List<RoundExplanation> renamed = new ArrayList<>(storedRounds().explanations());
    RoundExplanation first = renamed.get(1);
    renamed.set(1, new RoundExplanation(0, "vowels", null, first.scores()));
    view.put(
        RunRecords.roundsKey(NEURON),
        ClassificationJson.toBytes(ExplanationRounds.of(NEURON, "simulation", renamed, null)));
    assertThatThrownBy(() -> RoundsRescoring.rescore(view, NEURON, 5, key -> key))
        .hasMessage(
            "rounds/2/5.json: explanation 1 is \"vowels\" but in explanations/2/5.jsonl it is"
                + " \"letters late in the alphabet\"; nothing rewritten");
  }

  @Test
  void theCommandRewritesTheRunsAndTheViewsRoundsAndLeavesAMismatchedOneAlone() throws Exception {
    LocalDirectoryStore store = new LocalDirectoryStore(dir);
    double[][] calibrated =
        Arrays.stream(RAW).map(RoundsRescoreTest::byRank).toArray(double[][]::new);
    writeNeuron(store.under("runs/r1/"), calibrated, storedRounds());
    writeNeuron(store, calibrated, storedRounds());
    NeuronId other = new NeuronId(2, 6);
    List<RoundExplanation> one = storedRounds().explanations().subList(0, 1);
    byte[] mismatched =
        ClassificationJson.toBytes(ExplanationRounds.of(other, "simulation", one, null));
    store.put(RunRecords.roundsKey(other), mismatched);
    store.put(
        RunRecords.explanationKey(other),
        DatasetJson.toBytes(results(other, calibrated), "6.jsonl"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));

    int exit = command.execute("rescore", dir.resolve("runs/r1").toString(), dir.toString());

    assertThat(exit).as("the mismatched file fails").isEqualTo(1);
    for (String key :
        List.of("runs/r1/" + RunRecords.roundsKey(NEURON), RunRecords.roundsKey(NEURON))) {
      ExplanationRounds written =
          ClassificationJson.readRounds(Files.readAllBytes(dir.resolve(key)), key);
      assertThat(written.best()).as(key).isEqualTo(1);
      assertThat(written.explanations().get(0).score("simulation"))
          .isCloseTo(pearson(TRUE, calibrated[0]), within(1e-12));
    }
    assertThat(Files.readAllBytes(dir.resolve(RunRecords.roundsKey(other)))).isEqualTo(mismatched);
    assertThat(err.toString())
        .contains("FAIL  " + dir.resolve("rounds/2/6.json") + ": lists 1 explanations but");
    assertThat(out.toString())
        .contains(
            dir.resolve("runs/r1/rounds/2/5.json")
                + "  2:5 rounds  best by simulation: 1 \"letters late in the alphabet\" (was 0)"
                + "  rewritten")
        .contains("rounds: 2 files, 2 rewritten with the recomputed scores, 2 with another best");
  }

  /** The rounds as a run wrote them, before the results were simulated with another calibration. */
  private static ExplanationRounds storedRounds() {
    return storedRounds("simulation", Map.of());
  }

  private static ExplanationRounds storedRounds(String selectBy, Map<String, Double> more) {
    List<RoundExplanation> rounds = new ArrayList<>();
    // Detection as stored: stale, the last explanation ahead.
    double[] staleDetection = {0.5, 0.5, 0.9};
    for (int i = 0; i < TEXTS.size(); i++) {
      Map<String, Double> scores = new LinkedHashMap<>();
      scores.put("simulation", pearson(TRUE, RAW[i]));
      scores.put("detection", staleDetection[i]);
      scores.putAll(more);
      rounds.add(new RoundExplanation(i < 2 ? 0 : 1, TEXTS.get(i), i < 2 ? null : 0, scores));
    }
    return ExplanationRounds.of(NEURON, selectBy, rounds, "no better revision");
  }

  /** The results and the detection file of the neuron, and its rounds, under {@code store}. */
  private static void writeNeuron(BlobStore store, double[][] simulated, ExplanationRounds rounds) {
    store.put(
        RunRecords.explanationKey(NEURON),
        DatasetJson.toBytes(results(NEURON, simulated), "5.jsonl"));
    List<ClassifiedExplanation> classified = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      List<ClassifiedExcerpt> excerpts = new ArrayList<>();
      for (int e = 0; e < ANSWERS[i].length; e++) {
        excerpts.add(
            new ClassifiedExcerpt(
                (e < 2 ? "top:" : "random:") + e,
                e < 2 ? "activating" : "random",
                List.of(TOKENS.get(e)),
                List.of(),
                e < 2,
                ANSWERS[i][e],
                null));
      }
      classified.add(ClassifiedExplanation.of(TEXTS.get(i), excerpts));
    }
    store.put(
        RunRecords.classificationKey("detection", NEURON),
        ClassificationJson.toBytes(
            ClassificationResults.of(ClassifierKind.DETECTION, NEURON, classified)));
    store.put(RunRecords.roundsKey(NEURON), ClassificationJson.toBytes(rounds));
  }

  private static NeuronSimulationResults results(NeuronId neuron, double[][] simulated) {
    List<ScoredExplanation> scored = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      SequenceSimulation simulation =
          new SequenceSimulation(
              TOKENS, simulated[i], ActivationScale.NEURON_ACTIVATIONS, List.of(), List.of(), null);
      double score = pearson(TRUE, simulated[i]);
      scored.add(
          new ScoredExplanation(
              TEXTS.get(i),
              new ScoredSimulation(
                  List.of(new ScoredSequenceSimulation(simulation, TRUE, score, Double.NaN, 0)),
                  score,
                  Double.NaN,
                  0)));
    }
    return new NeuronSimulationResults(neuron, scored);
  }

  /**
   * A calibration other than the run's: each simulated value replaced by the true activation of the
   * same rank, so only the order of the simulation counts.
   */
  private static double[] byRank(double[] simulated) {
    Integer[] order = new Integer[simulated.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(simulated[a], simulated[b]));
    double[] sortedTrue = TRUE.clone();
    Arrays.sort(sortedTrue);
    double[] out = new double[simulated.length];
    for (int rank = 0; rank < order.length; rank++) {
      out[order[rank]] = sortedTrue[rank];
    }
    return out;
  }

  /** Pearson's correlation in float64, two passes. */
  private static double pearson(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /** Balanced accuracy of answers to excerpts labelled true, true, false, false. */
  private static double balancedAccuracy(boolean[] answers) {
    double recall = ((answers[0] ? 1 : 0) + (answers[1] ? 1 : 0)) / 2.0;
    double specificity = ((answers[2] ? 0 : 1) + (answers[3] ? 0 : 1)) / 2.0;
    return (recall + specificity) / 2;
  }
}
