package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/**
 * Two runs over one neuron, as a store keeps them: each run's own results under the run, the view
 * showing the earlier run's file with its source, and a neuron the later run failed. The run pages
 * read each run's own results; the neuron page names the run its explanation comes from.
 */
class RunResultsRoutesTest {

  private static final Path CANADA = Path.of("..", "examples", "explanations", "21", "2932.jsonl");
  private static final NeuronId SHOWN = new NeuronId(21, 2932);
  private static final NeuronId FAILED_LATER = new NeuronId(21, 7);

  @TempDir static Path root;
  private static ViewerServer server;
  private static ExplanationSource source;

  private static byte[] explanation(String words) throws Exception {
    String text = Files.readString(CANADA, StandardCharsets.UTF_8);
    return text.replace("references to Canada and Canadian people, places and institutions", words)
        .getBytes(StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void start() throws Exception {
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    RunRecords records = new RunRecords(store);
    for (String run : new String[] {"run-1", "run-2"}) {
      records.putSpec(new RunSpec(run, "store", null, null, null, null, null, null, 1));
      records.putStatus(new RunStatus(run, RunState.SUCCEEDED, 2, 1_000, 2_000));
    }
    byte[] first = explanation("maple leaves");
    byte[] second = explanation("hockey");
    store.put(RunRecords.runExplanationKey("run-1", SHOWN), first);
    store.put(RunRecords.runExplanationKey("run-1", FAILED_LATER), first);
    store.put(RunRecords.runExplanationKey("run-2", SHOWN), second);
    // run-2 published with --publish best and did not beat run-1; it failed FAILED_LATER.
    store.put(RunRecords.explanationKey(SHOWN), first);
    store.put(RunRecords.explanationKey(FAILED_LATER), first);
    source = new ExplanationSource("run-1", "v1|m", 0.4, "latest", 5_000L, RunInput.sha256(first));
    records.putExplanationSource(SHOWN, source);
    records.putExplanationSource(FAILED_LATER, source);
    server = ViewerServer.start(new ViewerService(store, Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode getJson(String path, int status) throws Exception {
    return ViewerHttp.getJson(server, path, status);
  }

  @Test
  void eachRunPageListsTheRunsOwnResultsAndWhetherTheViewShowsThem() throws Exception {
    JsonNode first = getJson("/api/viewer/runs/run-1/results", 200);
    assertThat(first.get("folder").asText()).isEqualTo("runs/run-1/explanations/");
    assertThat(first.get("total").asInt()).isEqualTo(2);
    assertThat(first.at("/neurons/0/neuron").asText()).isEqualTo("21:7");
    assertThat(first.at("/neurons/1/neuron").asText()).isEqualTo("21:2932");
    assertThat(first.at("/neurons/1/explanation").asText()).isEqualTo("maple leaves");
    assertThat(first.at("/neurons/1/inView").asBoolean()).isTrue();

    JsonNode second = getJson("/api/viewer/runs/run-2/results", 200);
    assertThat(second.get("total").asInt()).as("the neuron run-2 failed has no result").isOne();
    assertThat(second.at("/neurons/0/neuron").asText()).isEqualTo("21:2932");
    assertThat(second.at("/neurons/0/explanation").asText()).isEqualTo("hockey");
    assertThat(second.at("/neurons/0/score").isNumber()).isTrue();
    assertThat(second.at("/neurons/0/inView").asBoolean()).isFalse();

    assertThat(getJson("/api/viewer/runs/run-9/results", 404).get("error").asText())
        .contains("run-9");
    assertThat(ViewerHttp.get(server, "/raw/runs/run-2/explanations/21/2932.jsonl").body())
        .contains("hockey");
  }

  @Test
  void theNeuronPageNamesTheRunItsExplanationComesFrom() throws Exception {
    JsonNode page = getJson("/api/viewer/neurons/21/7", 200);
    assertThat(page.at("/source/status").asText()).isEqualTo("recorded");
    assertThat(page.at("/source/runId").asText()).isEqualTo("run-1");
    assertThat(page.at("/source/methodVersion").asText()).isEqualTo("v1|m");
    assertThat(page.at("/source/writtenMillis").asLong()).isEqualTo(5_000L);
    assertThat(page.at("/source/runResults").asText())
        .isEqualTo("runs/run-1/explanations/21/7.jsonl");
    assertThat(ViewerHttp.get(server, "/raw/explanation-sources/21/7.json").body())
        .contains("run-1");
  }

  @Test
  void aSourceThatNoLongerMatchesTheFileIsStaleAndAFileWithoutOneUnrecorded() throws Exception {
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    NeuronId replaced = new NeuronId(21, 8);
    NeuronId bare = new NeuronId(21, 9);
    store.put(RunRecords.explanationKey(replaced), explanation("snow"));
    new RunRecords(store).putExplanationSource(replaced, source);
    store.put(RunRecords.explanationKey(bare), explanation("snow"));

    assertThat(getJson("/api/viewer/neurons/21/8", 200).at("/source/status").asText())
        .isEqualTo("stale");
    assertThat(getJson("/api/viewer/neurons/21/9", 200).at("/source/status").asText())
        .isEqualTo("unrecorded");
  }
}
