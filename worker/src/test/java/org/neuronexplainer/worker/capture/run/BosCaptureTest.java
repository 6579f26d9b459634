package org.neuronexplainer.worker.capture.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.capture.tokenizer.TinyTokenizers;

/**
 * A model whose tokenizer starts every text with a BOS token sees each excerpt after it, as in
 * training, while its records hold the excerpt's own tokens only.
 */
class BosCaptureTest {
  private static final int CONTEXT = 16;
  private static final int NEURON = 2;

  @TempDir Path dir;

  // Every neuron of the layer, so that the device path (dense statistics only) reduces it too.
  @ParameterizedTest
  @ValueSource(strings = {"host", "device"})
  void eachExcerptRunsAfterTheBosTokenWhichTheRecordsLeaveOut(String stats) throws Exception {
    System.setProperty(StatsPlacement.PROPERTY, stats);
    try {
      captureAfterBos();
    } finally {
      System.clearProperty(StatsPlacement.PROPERTY);
    }
  }

  private void captureAfterBos() throws Exception {
    Path model = dir.resolve("llama");
    new RandomLlamaCheckpoint(
            RandomLlamaCheckpoint.Variant.LLAMA,
            2,
            32,
            48,
            4,
            2,
            512,
            64,
            0.2,
            4,
            TensorDtype.F32,
            1)
        .write(model, dir.resolve("no-tokenizer"));
    TinyTokenizers.writeSentencePiece(model);
    try (SubjectTokenizer tokenizer = SubjectTokenizer.load(model);
        SubjectModel llama = SubjectModel.load(model, ComputeOptions.cpu())) {
      int bos = tokenizer.bosId().orElseThrow();
      Excerpts excerpts =
          Excerpts.cut(List.of(TinyCorpus.write(dir)), tokenizer::encode, CONTEXT, 0);
      CaptureSettings settings = CaptureSettings.defaults().withContext(CONTEXT).withTop(3);
      BlobStore store = new InMemoryBlobStore();
      Capture.run(
          llama,
          tokenizer,
          excerpts,
          new CaptureJob("r", "tiny", List.of("c"), 0, 1, new int[] {1}, null, settings, 8, false),
          store,
          CaptureProgress.NONE);
      String key = CaptureLayout.neuronRecord(1, NEURON);
      NeuronRecord record = DatasetJson.read(store.get(key).orElseThrow(), key, NeuronRecord.class);

      double withBos = Double.NEGATIVE_INFINITY;
      double without = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < excerpts.count(); i++) {
        int[] tokens = excerpts.tokens(i);
        int[] prefixed = new int[tokens.length + 1];
        prefixed[0] = bos;
        System.arraycopy(tokens, 0, prefixed, 1, tokens.length);
        withBos = Math.max(withBos, max(llama, prefixed, 1));
        without = Math.max(without, max(llama, tokens, 0));
      }
      assertThat(record.maxActivation()).isCloseTo(withBos, Offset.offset(1e-5));
      assertThat(Math.abs(withBos - without))
          .as("the BOS changes what the model computes")
          .isGreaterThan(1e-4);
      for (ActivationRecord top : record.mostPositiveActivationRecords()) {
        assertThat(top.tokens()).hasSize(CONTEXT).doesNotContain("<s>");
      }
    }
  }

  /** The neuron's largest value in layer 1 over the positions from {@code from} on. */
  private static double max(SubjectModel model, int[] tokens, int from) {
    FloatTensor layer = model.forward(new int[][] {tokens}, new int[] {1}, false).layer(1);
    int width = layer.shape()[2];
    double max = Double.NEGATIVE_INFINITY;
    for (int t = from; t < tokens.length; t++) {
      max = Math.max(max, layer.data()[t * width + NEURON]);
    }
    return max;
  }
}
