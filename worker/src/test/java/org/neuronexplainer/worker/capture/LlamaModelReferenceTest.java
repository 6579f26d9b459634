package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;

/**
 * The Llama-family forward pass against Hugging Face transformers on the same weights: the
 * fixture's reference-activations.safetensors was computed by LlamaForCausalLM in float32 (its
 * README).
 */
class LlamaModelReferenceTest {
  /**
   * Per element, |actual - expected| <= 1e-4 * max(|expected|, 1): the fixture's values reach tens
   * (logits up to about 50), where float32 rounding alone is about 1e-5 absolute, while values near
   * zero are held to 1e-4 absolute rather than to a ratio that rounding noise would dominate.
   */
  static final double TOLERANCE = 1e-4;

  private static LlamaModel model;
  private static SafetensorsFile reference;

  @BeforeAll
  static void load() {
    Path dir = Fixtures.hfLlamaReference();
    model = LlamaModel.load(dir, ComputeOptions.cpu());
    reference = SafetensorsFile.open(dir.resolve("reference-activations.safetensors"));
  }

  @AfterAll
  static void close() {
    model.close();
    reference.close();
  }

  @Test
  void mlpNeuronsAndLogitsMatchHuggingFace() {
    ForwardResult result = model.forward(inputIds(reference), new int[] {0, 1}, true);
    for (int layer = 0; layer < 2; layer++) {
      double error = relativeError(result.layer(layer), tensor(reference, "mlp_neurons." + layer));
      System.out.printf(
          "mlp_neurons.%d worst relative error vs Hugging Face: %.3g%n", layer, error);
      assertThat(error).as("layer %d", layer).isLessThan(TOLERANCE);
    }
    double error = relativeError(result.logits().orElseThrow(), tensor(reference, "logits"));
    System.out.printf("logits worst relative error vs Hugging Face: %.3g%n", error);
    assertThat(error).isLessThan(TOLERANCE);
  }

  @Test
  void theConfigIsReadAsHuggingFaceReadsIt() {
    LlamaConfig config = model.config();
    assertThat(config.architecture()).isEqualTo("LlamaForCausalLM");
    assertThat(config.layers()).isEqualTo(2);
    assertThat(config.neurons()).isEqualTo(96);
    assertThat(config.heads()).isEqualTo(4);
    assertThat(config.kvHeads()).isEqualTo(2);
    assertThat(config.headDim()).isEqualTo(16);
    assertThat(config.tieWordEmbeddings()).isFalse();
    assertThat(config.ropeTheta()).isEqualTo(10000.0);
    assertThat(config.llama3()).isEmpty();
  }

  @Test
  void aBatchGivesEachSequenceWhatItGetsAlone() {
    int[][] ids = inputIds(reference);
    FloatTensor batched = model.forward(ids, new int[] {1}, false).layer(1);
    FloatTensor alone = model.forward(new int[][] {ids[2]}, new int[] {1}, false).layer(1);
    int perSequence = alone.data().length;
    float[] third = Arrays.copyOfRange(batched.data(), 2 * perSequence, 3 * perSequence);
    assertThat(relativeError(new FloatTensor(alone.shape(), third), alone)).isLessThan(1e-5);
  }

  @Test
  void subjectModelLoadDispatchesToTheLlamaForwardPass() {
    try (SubjectModel loaded =
        SubjectModel.load(Fixtures.hfLlamaReference(), ComputeOptions.cpu())) {
      assertThat(loaded).isInstanceOf(LlamaModel.class);
    }
  }

  @Test
  void aMissingOrMisShapedTensorIsNamed(@TempDir Path dir) throws IOException {
    Files.copy(Fixtures.hfLlamaReference().resolve("config.json"), dir.resolve("config.json"));
    try (SafetensorsFile source =
        SafetensorsFile.open(Fixtures.hfLlamaReference().resolve("model.safetensors"))) {
      var specs = new ArrayList<TensorSpec>();
      for (TensorEntry e : source.entries().values()) {
        if (e.name().equals("model.layers.1.mlp.up_proj.weight")) {
          continue;
        }
        long[] shape = e.name().equals("model.norm.weight") ? new long[] {63} : e.shape();
        specs.add(TensorSpec.f32(e.name(), shape));
      }
      try (var writer =
          SafetensorsWriter.create(dir.resolve("model.safetensors"), specs, Map.of())) {
        for (var spec : specs) {
          float[] values = source.floats(spec.name());
          writer.writeFloats(
              spec.name(), 0, Arrays.copyOf(values, Math.toIntExact(spec.elementCount())));
        }
        writer.commit();
      }
    }
    assertThatThrownBy(() -> LlamaModel.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("missing tensor model.layers.1.mlp.up_proj.weight")
        .hasMessageContaining("tensor model.norm.weight has shape [63], expected [64]");
  }

  /** The worst |actual - expected| / max(|expected|, 1) over all elements. */
  static double relativeError(FloatTensor actual, FloatTensor expected) {
    assertThat(actual.shape()).containsExactly(expected.shape());
    double worst = 0;
    for (int i = 0; i < actual.data().length; i++) {
      double b = expected.data()[i];
      worst = Math.max(worst, Math.abs(actual.data()[i] - b) / Math.max(Math.abs(b), 1));
    }
    return worst;
  }

  static int[][] inputIds(SafetensorsFile reference) {
    TensorEntry entry = reference.entry("input_ids").orElseThrow();
    long[] flat = reference.longs("input_ids");
    int rows = (int) entry.shape()[0];
    int cols = (int) entry.shape()[1];
    int[][] ids = new int[rows][cols];
    for (int i = 0; i < flat.length; i++) {
      ids[i / cols][i % cols] = Math.toIntExact(flat[i]);
    }
    return ids;
  }

  static FloatTensor tensor(SafetensorsFile reference, String name) {
    return new FloatTensor(reference.entry(name).orElseThrow().intShape(), reference.floats(name));
  }
}
