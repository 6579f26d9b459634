package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.revise.Days;
import org.neuronexplainer.worker.revise.Refiner;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A run with best of 3 and 2 revision rounds, scored by every scorer, with the baseline backends
 * and against the scripted server: the results, the classification files and the rounds file list
 * the same explanations in order, the best is the argmax of the simulation scores, a revision
 * becomes the best only when it scores higher, and the view's rounds file comes and goes with the
 * view's explanations.
 */
class RefinementRunTest {
  private static final List<String> ALL = List.of("simulation", "detection", "fuzzing");
  private static final Refinement THREE_AND_TWO = new Refinement(3, 2, null);

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final RunRecords records = new RunRecords(store);

  private List<NeuronId> neurons(int count) {
    List<NeuronId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      NeuronId id = new NeuronId(0, i);
      String key = RunRecords.recordKey(id);
      store.put(key, DatasetJson.toBytes(Days.neuron(id, 100 + i), key));
      ids.add(id);
    }
    return ids;
  }

  private static ExplainAndScoreJob job(String runId, NeuronId neuron) {
    return new ExplainAndScoreJob(JobHeader.first(runId, 1), neuron, RunRecords.recordKey(neuron));
  }

  private ExplainAndScoreHandler handler(Backends backends) {
    return new ExplainAndScoreHandler(
        records, new StoreNeuronRecords(store), backends, Duration.ofMinutes(1));
  }

  @Test
  void aBaselineRunWritesEveryRoundInOrderAndMarksTheBest() throws Exception {
    List<NeuronId> neurons = neurons(3);
    records.putSpec(
        new RunSpec("base", "store", null, null, "baseline", "baseline", "linear", null, 1)
            .withScorers(ALL)
            .withRefinement(THREE_AND_TWO));
    ExplainAndScoreHandler handler = handler(Backends.withoutModels());
    for (NeuronId neuron : neurons) {
      handler.run(job("base", neuron));
    }
    int revised = 0;
    for (NeuronId neuron : neurons) {
      ExplanationRounds rounds = assertConsistent("base", neuron, 3);
      revised += rounds.explanations().size() - 3;
    }
    assertThat(revised).as("revisions over all neurons").isPositive();
  }

  @Test
  void aRunAgainstTheScriptedServerRevisesUntilTheRevisionRepeats() throws Exception {
    List<NeuronId> neurons = neurons(2);
    records.putSpec(
        new RunSpec(
                "llm",
                "store",
                null,
                null,
                "token-activation-pair",
                "all-at-once",
                "linear",
                "m",
                1)
            .withScorers(ALL)
            .withRefinement(THREE_AND_TWO));
    String revisionSystem = PromptTexts.defaults().get(PromptText.REVISION_SYSTEM);
    try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(new ScriptedModel());
        LlmClients clients =
            LlmClients.open(
                LlmConfig.fromEnv(
                    Map.of(
                        "LLM_BASE_URL", server.root() + "/v1",
                        "LLM_MODEL", "m",
                        "LLM_RETRY_INITIAL_MS", "10")),
                store,
                LlmCallListener.NONE)) {
      ExplainAndScoreHandler handler =
          handler(clients.backends(spec -> PromptInputs.defaults(), 1));
      for (NeuronId neuron : neurons) {
        handler.run(job("llm", neuron));
      }
      assertThat(server.requests())
          .filteredOn(seen -> seen.body().contains("\"n\":3"))
          .as("k is the explainer's n")
          .hasSize(neurons.size());
      assertThat(server.requests())
          .filteredOn(seen -> seen.body().contains(jsonString(revisionSystem)))
          .isNotEmpty();
    }
    for (NeuronId neuron : neurons) {
      ExplanationRounds rounds = assertConsistent("llm", neuron, 3);
      // The model writes the same revision every time: a second round repeats the first.
      assertThat(rounds.explanations()).hasSize(4);
      assertThat(rounds.explanations().get(3).explanation()).isEqualTo(ScriptedModel.REVISION);
      assertThat(rounds.stopped()).isEqualTo("the revision of round 2 repeats explanation 3");
    }
  }

  @Test
  void aRunWithoutRefinementWritesNoRoundsAndTakesTheViewsAway() throws Exception {
    NeuronId neuron = neurons(1).get(0);
    records.putSpec(
        new RunSpec("with", "store", null, null, null, null, null, null, 1)
            .withScorers(ALL)
            .withRefinement(THREE_AND_TWO));
    records.putSpec(new RunSpec("without", "store", null, null, null, null, null, null, 1));
    handler(Backends.withoutModels()).run(job("with", neuron));
    byte[] mine = store.get(RunRecords.runRoundsKey("with", neuron)).orElseThrow();
    assertThat(store.get(RunRecords.roundsKey(neuron))).hasValue(mine);

    handler(Backends.withoutModels()).run(job("without", neuron));

    assertThat(store.exists(RunRecords.roundsKey(neuron))).isFalse();
    assertThat(store.exists(RunRecords.runRoundsKey("without", neuron))).isFalse();
    assertThat(store.get(RunRecords.runRoundsKey("with", neuron))).hasValue(mine);
    // Without refinement the marker keeps the mean of the scores.
    NeuronSimulationResults results =
        DatasetJson.read(
            store.get(RunRecords.runExplanationKey("without", neuron)).orElseThrow(),
            "results",
            NeuronSimulationResults.class);
    assertThat(results.scoredExplanations()).hasSize(1);
    assertThat(records.done("without", neuron).orElseThrow().score())
        .isEqualTo(results.scoredExplanations().get(0).score());
  }

  /**
   * The run's files for {@code neuron} agree with each other and with the view, and the rounds file
   * is what the scores make of it, worked out here again.
   */
  private ExplanationRounds assertConsistent(String runId, NeuronId neuron, int k)
      throws Exception {
    byte[] explained = store.get(RunRecords.runExplanationKey(runId, neuron)).orElseThrow();
    List<ScoredExplanation> scored =
        DatasetJson.read(explained, "results", NeuronSimulationResults.class).scoredExplanations();
    List<String> explanations = scored.stream().map(ScoredExplanation::explanation).toList();
    String key = RunRecords.runRoundsKey(runId, neuron);
    byte[] roundBytes = store.get(key).orElseThrow(() -> new AssertionError("no " + key));
    ExplanationRounds rounds = ClassificationJson.readRounds(roundBytes, key);
    assertThat(store.get(RunRecords.roundsKey(neuron))).hasValue(roundBytes);
    assertThat(rounds.selectBy()).isEqualTo("simulation");
    assertThat(rounds.explanations())
        .extracting(RoundExplanation::explanation)
        .isEqualTo(explanations);
    assertThat(explanations).hasSizeBetween(1, k + 2).doesNotHaveDuplicates();
    List<ClassificationResults> classified = new ArrayList<>();
    for (ClassifierKind kind : ClassifierKind.values()) {
      String file = RunRecords.runClassificationKey(runId, kind.wireName(), neuron);
      ClassificationResults one = ClassificationJson.read(store.get(file).orElseThrow(), file);
      assertThat(one.explanations())
          .extracting(ClassifiedExplanation::explanation)
          .isEqualTo(explanations);
      classified.add(one);
    }
    int first = 0;
    while (first < rounds.explanations().size() && rounds.explanations().get(first).round() == 0) {
      first++;
    }
    assertThat(first).isBetween(1, k);
    // The best so far by strictly higher simulation scores, each revision revising it.
    Integer best = null;
    for (int i = 0; i < explanations.size(); i++) {
      RoundExplanation one = rounds.explanations().get(i);
      if (i >= first) {
        assertThat(one.round()).isEqualTo(i - first + 1);
        assertThat(one.revisedFrom()).as("revised from the best so far").isEqualTo(best);
      }
      double score = scored.get(i).score();
      assertThat(one.score("simulation")).isEqualTo(Double.isFinite(score) ? score : null);
      for (ClassificationResults scorer : classified) {
        assertThat(one.score(scorer.scorer().wireName()))
            .isEqualTo(scorer.explanations().get(i).metrics().balancedAccuracy());
      }
      if (Double.isFinite(score) && (best == null || score > scored.get(best).score())) {
        best = i;
      }
    }
    assertThat(rounds.best()).isEqualTo(best);
    int revisions = explanations.size() - first;
    if (revisions < 2) {
      assertThat(rounds.stopped()).isNotNull();
      assertThat(
              rounds.stopped().equals(Refiner.NOTHING_WRONG)
                  || rounds.stopped().contains("repeats explanation"))
          .as(rounds.stopped())
          .isTrue();
    } else {
      assertThat(rounds.stopped()).isNull();
    }
    Double marker = records.done(runId, neuron).orElseThrow().score();
    assertThat(marker).isEqualTo(best == null ? null : scored.get(best).score());
    return rounds;
  }

  private static String jsonString(String text) {
    return new com.fasterxml.jackson.databind.node.TextNode(text).toString();
  }
}
