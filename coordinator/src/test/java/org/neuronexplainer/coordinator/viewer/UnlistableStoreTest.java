package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;

/** A store that reads but cannot list, as the public https containers behave. */
class UnlistableStoreTest {

  @Test
  void overviewAndSearchSayWhyWhileNeuronAndRandomStillWork(@TempDir Path root) throws Exception {
    BlobStore local = new LocalDirectoryStore(ViewerFixture.write(root));
    BlobStore unlistable = new ReadOnlyUnlistableStore(local);
    try (ViewerService service = new ViewerService(unlistable, Optional.of(ModelDims.GPT2_SMALL))) {
      ObjectNode overview = service.overview();
      assertThat(overview.get("available").asBoolean()).isFalse();
      assertThat(overview.get("state").asText()).isEqualTo("unlistable");
      assertThat(overview.get("reason").asText()).contains("cannot be listed");
      assertThat(service.search("canada", SearchFilter.ALL, 0, 10).get("state").asText())
          .isEqualTo("unlistable");
      // The token search needs a listing too: once its index gave up, it says why, in words.
      ObjectNode tokens =
          Await.until(
              Duration.ofSeconds(30),
              "the token search to give up on the unlistable store",
              () ->
                  service
                      .find()
                      .tokens(
                          "canada", new ActivityFilter(0, Integer.MAX_VALUE, 0, 1, false), 0, 10),
              answer -> !answer.path("state").asText().equals("building"));
      assertThat(tokens.get("available").asBoolean()).isFalse();
      assertThat(tokens.get("state").asText()).isEqualTo("unlistable");
      assertThat(tokens.get("reason").asText()).contains("cannot be listed");
      assertThat(service.neuron(new NeuronId(9, 388)).at("/files/explanations/status").asText())
          .isEqualTo("ok");
      // GPT-2 small has 12 layers: the fixture's 21:2932 is outside it, and said to be.
      assertThat(service.neuron(new NeuronId(21, 2932)).get("exists").asBoolean()).isFalse();
      for (int i = 0; i < 50; i++) {
        NeuronId picked = service.randomNeuron().orElseThrow();
        assertThat(ModelDims.GPT2_SMALL.contains(picked)).isTrue();
      }
      ObjectNode last = service.neuron(new NeuronId(11, 3071));
      assertThat(last.has("next")).isFalse();
      assertThat(service.neuron(new NeuronId(3, 0)).at("/prev/neuron").asInt()).isEqualTo(3071);
    }
  }

  @Test
  void aModelFileGivesTheDims(@TempDir Path root) {
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    store.put("model.json", "{\"layers\": 2, \"neurons_per_layer\": 5}".getBytes());
    assertThat(ModelDims.of(store)).contains(new ModelDims(2, 5));
  }
}
