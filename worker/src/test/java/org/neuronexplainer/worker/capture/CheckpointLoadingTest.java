package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;

/** Checkpoint layouts that must load, and broken checkpoints that must fail by name. */
class CheckpointLoadingTest {
  @TempDir Path dir;

  @Test
  void shardedWeightsWithoutThePrefixGiveTheReferenceActivations() throws IOException {
    CheckpointFixture.copyConfig(dir);
    CheckpointFixture.writeWeights(dir, 3, name -> name.replaceFirst("^transformer\\.", ""));
    assertThat(dir.resolve("model-00002-of-00003.safetensors")).exists();

    try (Gpt2Model model = Gpt2Model.load(dir, ComputeOptions.cpu());
        SafetensorsFile reference =
            SafetensorsFile.open(
                Fixtures.hfGpt2Reference().resolve("reference-activations.safetensors"))) {
      int[][] ids = new int[1][32];
      long[] flat = reference.longs("input_ids");
      for (int t = 0; t < 32; t++) {
        ids[0][t] = (int) flat[t];
      }
      FloatTensor layer1 = model.forward(ids, new int[] {1}, false).layer(1);
      float[] expected = Arrays.copyOf(reference.floats("mlp_post_act.1"), 32 * 192);
      assertThat(layer1.maxAbsDiff(new FloatTensor(new int[] {1, 32, 192}, expected)))
          .isLessThan(1e-4);
    }
  }

  @Test
  void anLmHeadTensorIsUsedInsteadOfTheTiedEmbedding() throws IOException {
    CheckpointFixture.copyConfig(dir);
    CheckpointFixture.writeWithNegatedLmHead(dir);
    try (Gpt2Model model = Gpt2Model.load(dir, ComputeOptions.cpu());
        SafetensorsFile reference =
            SafetensorsFile.open(
                Fixtures.hfGpt2Reference().resolve("reference-activations.safetensors"))) {
      int[][] ids = new int[1][32];
      long[] flat = reference.longs("input_ids");
      for (int t = 0; t < 32; t++) {
        ids[0][t] = (int) flat[t];
      }
      FloatTensor logits = model.forward(ids, new int[0], true).logits().orElseThrow();
      float[] expected = Arrays.copyOf(reference.floats("logits"), 32 * 512);
      for (int i = 0; i < expected.length; i++) {
        expected[i] = -expected[i];
      }
      assertThat(logits.maxAbsDiff(new FloatTensor(new int[] {1, 32, 512}, expected)))
          .isLessThan(1e-4);
    }
  }

  @Test
  void aMissingTensorIsNamedWithItsExpectedShape() throws IOException {
    CheckpointFixture.copyConfig(dir);
    CheckpointFixture.writeWeights(
        dir, 1, name -> name.equals("transformer.h.1.mlp.c_fc.bias") ? null : name);
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("missing tensor h.1.mlp.c_fc.bias (expected shape [192])");
  }

  @Test
  void aMisShapedTensorIsNamedWithBothShapes() throws IOException {
    CheckpointFixture.copyConfig(dir);
    CheckpointFixture.writeWeights(
        dir, 1, name -> name, Map.of("transformer.h.0.mlp.c_fc.weight", new long[] {48, 191}));
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(
            "tensor transformer.h.0.mlp.c_fc.weight has shape [48, 191], expected [48, 192]");
  }

  @Test
  void anUnsupportedActivationFunctionIsRejected() throws IOException {
    CheckpointFixture.copyConfig(dir);
    CheckpointFixture.writeWeights(dir, 1, name -> name);
    rewriteConfig("\"gelu_new\"", "\"gelu\"");
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("activation_function gelu is not supported")
        .hasMessageContaining("config.json");
  }

  @Test
  void aConfigWithoutAWidthIsRejected() throws IOException {
    CheckpointFixture.copyConfig(dir);
    CheckpointFixture.writeWeights(dir, 1, name -> name);
    rewriteConfig("\"n_embd\": 48,", "");
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("n_embd is missing");
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .hasMessageContaining("has no config.json");
    CheckpointFixture.copyConfig(dir);
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .hasMessageContaining(
            "has no model.safetensors, model.safetensors.index.json or pytorch_model.bin");
    Files.writeString(dir.resolve("model.safetensors"), "not a safetensors file");
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("is not a safetensors file");
  }

  @Test
  void badInputToTheForwardPassIsRejectedByName() {
    try (Gpt2Model model = Gpt2Model.load(Fixtures.hfGpt2Reference(), ComputeOptions.cpu())) {
      assertThatThrownBy(() -> model.forward(new int[][] {{1, 512}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token id 512 at sequence 0, position 1 is outside the vocabulary");
      assertThatThrownBy(() -> model.forward(new int[][] {new int[65]}))
          .hasMessageContaining("65 tokens is longer than the model's 64 positions");
      assertThatThrownBy(() -> model.forward(new int[][] {{1, 2}, {3}}))
          .hasMessageContaining("same length");
      assertThatThrownBy(() -> model.forward(new int[][] {{1}}, new int[] {2}, false))
          .hasMessageContaining("layer 2 does not exist");
    }
  }

  private void rewriteConfig(String from, String to) throws IOException {
    Path config = dir.resolve("config.json");
    String text = Files.readString(config);
    assertThat(text).contains(from);
    Files.writeString(config, text.replace(from, to));
  }
}
