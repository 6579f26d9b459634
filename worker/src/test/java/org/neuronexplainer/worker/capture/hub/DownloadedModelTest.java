package org.neuronexplainer.worker.capture.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.ScriptedHub;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * A model downloaded from the scripted hub runs and gives the activations Hugging Face computed on
 * the fixture (its reference-activations.safetensors), as the directory itself does.
 */
class DownloadedModelTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir Path cacheRoot;
  @TempDir Path served;

  @Test
  void theDownloadedModelMatchesHuggingFacesActivations() throws IOException {
    Path fixture = Fixtures.hfGpt2Reference();
    for (String file : List.of("config.json", "model.safetensors", "vocab.json", "merges.txt")) {
      Files.copy(fixture.resolve(file), served.resolve(file));
    }
    Path dir;
    try (ScriptedHub hub = new ScriptedHub().serve("openai-community/gpt2", served)) {
      HubConfig config =
          HubConfig.fromEnv(
              Map.of(
                  "HF_ENDPOINT", hub.endpoint().toString(),
                  "NEURON_EXPLAINER_CACHE", cacheRoot.toString()),
              cacheRoot);
      HttpClient client = HttpClient.newHttpClient();
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      dir = new HubModelCache(config, client, quiet, false).resolve("openai-community/gpt2");
    }

    try (Gpt2Model model = Gpt2Model.load(dir, ComputeOptions.cpu());
        SafetensorsFile reference =
            SafetensorsFile.open(fixture.resolve("reference-activations.safetensors"))) {
      ForwardResult result = model.forward(inputIds(reference), new int[] {0, 1}, true);
      for (int layer = 0; layer < 2; layer++) {
        FloatTensor expected = tensor(reference, "mlp_post_act." + layer);
        assertThat(result.layer(layer).maxAbsDiff(expected)).isLessThan(TOLERANCE);
      }
      assertThat(result.logits().orElseThrow().maxAbsDiff(tensor(reference, "logits")))
          .isLessThan(TOLERANCE);
    }
  }

  private static int[][] inputIds(SafetensorsFile reference) {
    TensorEntry entry = reference.entry("input_ids").orElseThrow();
    long[] flat = reference.longs("input_ids");
    int cols = (int) entry.shape()[1];
    int[][] ids = new int[(int) entry.shape()[0]][cols];
    for (int i = 0; i < flat.length; i++) {
      ids[i / cols][i % cols] = Math.toIntExact(flat[i]);
    }
    return ids;
  }

  private static FloatTensor tensor(SafetensorsFile reference, String name) {
    return new FloatTensor(reference.entry(name).orElseThrow().intShape(), reference.floats(name));
  }
}
