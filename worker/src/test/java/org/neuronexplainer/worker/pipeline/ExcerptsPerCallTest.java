package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.classify.ClassificationScorer;
import org.neuronexplainer.worker.classify.ClassifierSettings;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.revise.Days;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/** A run's {@code excerptsPerCall} cuts each classification sample into calls of that many. */
class ExcerptsPerCallTest {

  @Test
  void detectionSendsTheSampleInCallsOfTheRunsSize() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunRecords records = new RunRecords(store);
    NeuronId neuron = new NeuronId(0, 0);
    NeuronRecord record = Days.neuron(neuron, 7);
    store.put(RunRecords.recordKey(neuron), DatasetJson.toBytes(record, "record"));
    RunSpec spec =
        new RunSpec(
                "four", "store", null, null, "token-activation-pair", "all-at-once", null, "m", 1)
            .withScorers(List.of("simulation", "detection"))
            .withExcerptsPerCall(4);
    records.putSpec(spec);
    int sample =
        new ClassificationScorer(
                ClassifierKind.DETECTION, ClassifierSettings.forRun(spec), SliceParams.paper())
            .sample(record)
            .size();
    assertThat(sample).as("a sample of more than one call").isGreaterThan(4);
    String detection =
        new TextNode(PromptTexts.defaults().get(PromptText.DETECTION_SYSTEM)).toString();
    try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(new ScriptedModel());
        LlmClients clients =
            LlmClients.open(
                LlmConfig.fromEnv(Map.of("LLM_BASE_URL", server.root() + "/v1", "LLM_MODEL", "m")),
                store,
                LlmCallListener.NONE)) {
      new ExplainAndScoreHandler(
              records,
              new StoreNeuronRecords(store),
              clients.backends(s -> PromptInputs.defaults(), 1),
              Duration.ofMinutes(1))
          .run(
              new ExplainAndScoreJob(
                  JobHeader.first("four", 1), neuron, RunRecords.recordKey(neuron)));
      // One distinct call per 4 excerpts of each distinct explanation's sample (a repeated
      // explanation asks the same calls again, answered by the cache or, when both are in flight
      // at once, by the server twice).
      String key = RunRecords.runClassificationKey("four", "detection", neuron);
      long explanations =
          ClassificationJson.read(store.get(key).orElseThrow(), key).explanations().stream()
              .map(one -> one.explanation())
              .distinct()
              .count();
      assertThat(
              server.requests().stream()
                  .map(seen -> seen.body())
                  .filter(body -> body.contains(detection))
                  .distinct())
          .hasSize((int) explanations * ((sample + 3) / 4));
    }
  }
}
