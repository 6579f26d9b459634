package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationMetrics;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.LlmClients;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A run that chooses the classification scorers writes, for every neuron, the simulation results
 * and one file per classification scorer, under the run and in the dataset's view, and a scorer
 * whose answers never parse fails the neuron with its reason.
 */
class ClassificationScorersRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ALL = List.of("simulation", "detection", "fuzzing");
  private static final String DETECTION_SYSTEM =
      PromptTexts.defaults().get(PromptText.DETECTION_SYSTEM);

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final RunRecords records = new RunRecords(store);

  private static RunSpec llmSpec(String runId) {
    return new RunSpec(
            runId, "store", null, null, "token-activation-pair", "all-at-once", "linear", "m", 1)
        .withScorers(ALL);
  }

  private static ExplainAndScoreJob job(String runId, NeuronId neuron) {
    return new ExplainAndScoreJob(JobHeader.first(runId, 1), neuron, RunRecords.recordKey(neuron));
  }

  private LlmClients clients(ScriptedLlmServer server) {
    return LlmClients.open(
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", server.root() + "/v1",
                "LLM_MODEL", "m",
                "LLM_RETRY_INITIAL_MS", "10")),
        store,
        LlmCallListener.NONE);
  }

  private ExplainAndScoreHandler handler(Backends backends) {
    return new ExplainAndScoreHandler(
        records, new StoreNeuronRecords(store), backends, Duration.ofMinutes(1));
  }

  @Test
  void anLlmRunWithEveryScorerWritesAllThreeForEveryNeuron() throws Exception {
    List<NeuronId> neurons = SyntheticNeurons.write(store, 3);
    records.putSpec(llmSpec("run-1"));
    try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(new ScriptedModel());
        LlmClients clients = clients(server)) {
      ExplainAndScoreHandler handler =
          handler(clients.backends(spec -> PromptInputs.defaults(), 1));
      for (NeuronId neuron : neurons) {
        handler.run(job("run-1", neuron));
      }
      List<String> classifying =
          server.requests().stream()
              .map(ScriptedLlmServer.Seen::body)
              .filter(body -> body.contains("Excerpt 1:"))
              .toList();
      assertThat(classifying)
          .isNotEmpty()
          .allSatisfy(body -> assertThat(body).contains("\"model\":\"m\""));
    }
    for (NeuronId neuron : neurons) {
      assertAllThreeWritten("run-1", neuron, true);
    }
  }

  @Test
  void aBaselineRunWithEveryScorerWritesAllThreeWithoutAModel() throws Exception {
    List<NeuronId> neurons = SyntheticNeurons.write(store, 4);
    records.putSpec(
        new RunSpec("base", "store", null, null, "baseline", "baseline", "linear", null, 1)
            .withScorers(ALL));
    ExplainAndScoreHandler handler = handler(Backends.withoutModels());
    for (NeuronId neuron : neurons) {
      handler.run(job("base", neuron));
    }
    for (NeuronId neuron : neurons) {
      assertAllThreeWritten("base", neuron, false);
    }
  }

  @Test
  void aClassifierAnswerThatNeverParsesFailsTheNeuronWithTheScorersReason() throws Exception {
    NeuronId neuron = SyntheticNeurons.write(store, 1).get(0);
    records.putSpec(llmSpec("run-2"));
    ScriptedModel model = new ScriptedModel();
    String detecting = JSON.writeValueAsString(DETECTION_SYSTEM);
    try (ScriptedLlmServer server =
            new ScriptedLlmServer()
                .otherwise(
                    seen ->
                        seen.body().contains(detecting)
                            ? ScriptedLlmServer.Reply.json(
                                200, ScriptedLlmServer.chatReply("I think so", 10, 3))
                            : model.apply(seen));
        LlmClients clients = clients(server)) {
      ExplainAndScoreHandler handler =
          handler(clients.backends(spec -> PromptInputs.defaults(), 1));
      assertThatThrownBy(() -> handler.run(job("run-2", neuron)))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining(
              "LLM answers did not parse: detection: no parseable answer after 3 attempts");
    }
    // Nothing of the neuron is written, least of all a score of 0.
    assertThat(store.list("runs/run-2/classifications/")).isEmpty();
    assertThat(store.list("runs/run-2/explanations/")).isEmpty();
    assertThat(store.list("classifications/")).isEmpty();
    assertThat(records.done("run-2", neuron)).isEmpty();
  }

  @Test
  void aRunWithoutClassifiersWritesNoneAndTakesTheViewsAway() throws Exception {
    NeuronId neuron = SyntheticNeurons.write(store, 1).get(0);
    records.putSpec(
        new RunSpec("with", "store", null, null, null, null, null, null, 1).withScorers(ALL));
    records.putSpec(new RunSpec("without", "store", null, null, null, null, null, null, 1));
    handler(Backends.withoutModels()).run(job("with", neuron));
    assertThat(store.list("classifications/")).hasSize(2);
    handler(Backends.withoutModels()).run(job("without", neuron));
    // The view shows the second run's explanations now, which no classifier scored.
    assertThat(store.list("classifications/")).isEmpty();
    assertThat(store.list("runs/without/classifications/")).isEmpty();
    assertThat(store.list("runs/with/classifications/")).hasSize(2);
  }

  /**
   * The run's three files and the view's, for {@code neuron}: the classifications score the run's
   * explanations in order, their metrics are what the stored answers give, computed here once more
   * by counting, and only an LLM's answers carry probabilities.
   */
  private void assertAllThreeWritten(String runId, NeuronId neuron, boolean probabilities)
      throws Exception {
    byte[] explained = store.get(RunRecords.runExplanationKey(runId, neuron)).orElseThrow();
    List<String> explanations =
        DatasetJson.read(explained, "explanations", NeuronSimulationResults.class)
            .scoredExplanations()
            .stream()
            .map(ScoredExplanation::explanation)
            .toList();
    assertThat(store.get(RunRecords.explanationKey(neuron))).hasValue(explained);
    for (ClassifierKind kind : ClassifierKind.values()) {
      String key = RunRecords.runClassificationKey(runId, kind.wireName(), neuron);
      byte[] bytes = store.get(key).orElseThrow(() -> new AssertionError("no " + key));
      assertThat(store.get(RunRecords.classificationKey(kind.wireName(), neuron)))
          .as("the view beside explanations/")
          .hasValue(bytes);
      ClassificationResults results = ClassificationJson.read(bytes, key);
      assertThat(results.scorer()).isEqualTo(kind);
      assertThat(results.neuronId()).isEqualTo(neuron);
      assertThat(results.recompute()).isEqualTo(results);
      assertThat(results.explanations())
          .extracting(ClassifiedExplanation::explanation)
          .isEqualTo(explanations);
      for (ClassifiedExplanation one : results.explanations()) {
        assertThat(one.excerpts()).isNotEmpty();
        assertCounted(one);
        assertThat(one.excerpts())
            .allSatisfy(
                excerpt ->
                    assertThat(excerpt.probability() != null)
                        .as("a probability")
                        .isEqualTo(probabilities));
      }
      JsonNode raw = JSON.readTree(bytes);
      assertThat(raw.path("version").asInt()).isEqualTo(1);
    }
    assertThat(records.done(runId, neuron)).isPresent();
  }

  /** The confusion counts and accuracy by counting the stored labels and answers. */
  private static void assertCounted(ClassifiedExplanation one) {
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (ClassifiedExcerpt excerpt : one.excerpts()) {
      if (excerpt.label()) {
        tp += excerpt.answer() ? 1 : 0;
        fn += excerpt.answer() ? 0 : 1;
      } else {
        fp += excerpt.answer() ? 1 : 0;
        tn += excerpt.answer() ? 0 : 1;
      }
    }
    ClassificationMetrics metrics = one.metrics();
    assertThat(List.of(metrics.truePositives(), metrics.falsePositives())).containsExactly(tp, fp);
    assertThat(List.of(metrics.trueNegatives(), metrics.falseNegatives())).containsExactly(tn, fn);
    assertThat(metrics.accuracy()).isEqualTo((tp + tn) / (double) one.excerpts().size());
  }
}
