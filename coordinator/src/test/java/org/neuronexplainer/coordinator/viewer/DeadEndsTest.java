package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.ModelFile;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.progress.NeuronState;

/** The viewer's answers where a user could hit a dead end, over a store of the tiny model. */
class DeadEndsTest {

  @TempDir Path dir;

  private ViewerService tiny() throws Exception {
    return new ViewerService(TinyModelStore.open(TinyModelStore.write(dir)), Optional.empty());
  }

  @Test
  void aNeuronOutsideTheModelIsSaidNotToExistWithRealNeuronsToGoTo() throws Exception {
    try (ViewerService viewer = tiny()) {
      ObjectNode page = viewer.neuron(new NeuronId(99, 99999));
      assertThat(page.get("exists").asBoolean()).isFalse();
      assertThat(page.get("message").asText())
          .isEqualTo(
              "Neuron 99:99999 does not exist: the model has 2 layers (0 to 1) of 192 neurons"
                  + " (0 to 191).");
      assertThat(page.has("files")).as("no file is read").isFalse();
      assertThat(page.has("prev") || page.has("next")).isFalse();
      assertThat(names(page.get("suggestions"))).containsExactly("1:191", "0:0");
      assertThat(names(viewer.neuron(new NeuronId(0, 500)).get("suggestions")))
          .containsExactly("0:191", "0:0", "1:191");
    }
  }

  @Test
  void prevAndNextStayInsideTheModel() throws Exception {
    try (ViewerService viewer = tiny()) {
      ObjectNode last = viewer.neuron(new NeuronId(1, 191));
      assertThat(last.get("exists").asBoolean()).isTrue();
      assertThat(last.get("empty").asBoolean()).as("the store has nothing for 1:191").isTrue();
      assertThat(last.has("next")).isFalse();
      assertThat(last.get("prev").get("neuron").asInt()).isEqualTo(190);
      ObjectNode first = viewer.neuron(new NeuronId(0, 0));
      assertThat(first.has("prev")).isFalse();
      ObjectNode explained = viewer.neuron(new NeuronId(0, 1));
      assertThat(explained.get("empty").asBoolean()).isFalse();
    }
  }

  @Test
  void aStoreWithoutModelJsonStillServesItsNeuronsAndSaysTheSizeIsUnknown() throws Exception {
    Files.delete(TinyModelStore.write(dir).resolve(ModelFile.KEY));
    try (ViewerService viewer = new ViewerService(new LocalDirectoryStore(dir), Optional.empty())) {
      assertThat(viewer.info().get("dims").isNull()).isTrue();
      ObjectNode far = viewer.neuron(new NeuronId(99, 5));
      assertThat(far.get("exists").isNull()).as("layer 99 may exist").isTrue();
      assertThat(far.get("empty").asBoolean()).isTrue();
      // subject.json still gives the layers' width: an index past it does not exist.
      ObjectNode wide = viewer.neuron(new NeuronId(0, 99999));
      assertThat(wide.get("exists").asBoolean()).isFalse();
      assertThat(wide.get("message").asText())
          .isEqualTo(
              "Neuron 0:99999 does not exist: each layer has 192 neurons (0 to 191). This store"
                  + " does not record how many layers the model has.");
      assertThat(names(wide.get("suggestions"))).containsExactly("0:191", "0:0");
      assertThat(viewer.neuron(new NeuronId(0, 1)).get("empty").asBoolean()).isFalse();
    }
  }

  @Test
  void oneUnreadableExplanationsFileIsListedAndTheRestIsIndexed() throws Exception {
    try (ViewerService viewer = tiny()) {
      ObjectNode overview = viewer.overview();
      assertThat(overview.get("available").asBoolean()).isTrue();
      assertThat(overview.get("neurons").asInt()).isEqualTo(2);
      assertThat(overview.get("badFileCount").asInt()).isEqualTo(2);
      List<String> bad = new ArrayList<>();
      overview.get("badFiles").forEach(b -> bad.add(b.asText()));
      assertThat(bad)
          .containsExactly(
              "explanations/0/3.jsonl: line 1, column 46: Unexpected end-of-input within/between Object entries",
              "explanations/1/7.jsonl: cannot be read (permission denied: /srv/store/"
                  + "explanations/1/7.jsonl)");
      ObjectNode search = viewer.search("Canada", SearchFilter.ALL, 0, 10);
      assertThat(search.get("available").asBoolean()).isTrue();
      assertThat(search.get("total").asInt()).isEqualTo(1);
      // The neuron page of the unreadable file says so in its pane, in words.
      JsonNode file = viewer.neuron(new NeuronId(1, 7)).get("files").get("explanations");
      assertThat(file.get("status").asText()).isEqualTo("error");
      assertThat(file.get("message").asText())
          .isEqualTo(
              "explanations/1/7.jsonl cannot be read (permission denied: /srv/store/"
                  + "explanations/1/7.jsonl)");
    }
  }

  @Test
  void theHeaderNamesTheStoreByItsPath() throws Exception {
    try (ViewerService viewer = tiny()) {
      assertThat(viewer.info().get("store").asText()).isEqualTo(dir.toString());
      assertThat(viewer.info().get("dims").get("layers").asInt()).isEqualTo(2);
    }
  }

  @Test
  void theStoreOnlyRunListCountsDoneMarkersAndShowsRecordedReasonsPlainly() throws Exception {
    try (ViewerService viewer = tiny()) {
      var run = viewer.runs().list().get(0);
      assertThat(run.progress().states())
          .containsEntry(NeuronState.DONE.id(), 2)
          .containsEntry(NeuronState.FAILED.id(), 1);
      ObjectNode failed =
          RunPageJson.neurons(viewer.runs().neurons(TinyModelStore.RUN, NeuronState.FAILED), false);
      assertThat(failed.get("neurons").get(0).get("reason").asText())
          .isEqualTo("the explainer's answer had no explanation");
    }
  }

  @Test
  void theApiAnswersInWordsForAMissingNeuronAndAnUnreadableRawFile() throws Exception {
    try (ViewerService viewer = tiny();
        ViewerServer server = ViewerServer.start(viewer, "127.0.0.1", 0)) {
      JsonNode absent = ViewerHttp.getJson(server, "/api/viewer/neurons/99/99999", 200);
      assertThat(absent.get("exists").asBoolean()).isFalse();
      assertThat(absent.get("message").asText()).startsWith("Neuron 99:99999 does not exist");
      JsonNode raw = ViewerHttp.getJson(server, "/raw/" + TinyModelStore.UNREADABLE, 502);
      assertThat(raw.get("error").asText())
          .isEqualTo(
              TinyModelStore.UNREADABLE
                  + " cannot be read (permission denied: /srv/store/"
                  + TinyModelStore.UNREADABLE
                  + ")");
    }
  }

  private static List<String> names(JsonNode neurons) {
    List<String> out = new ArrayList<>();
    neurons.forEach(n -> out.add(n.get("layer").asInt() + ":" + n.get("neuron").asInt()));
    return out;
  }
}
