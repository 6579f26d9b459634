package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint.Variant;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer;
import org.neuronexplainer.worker.capture.weights.WeightSummaries;

/**
 * The Llama-family weight products (docs/method.md 11: gate_proj as the input matrix, down_proj as
 * the output one) against float64 sums over the checkpoint's own tensors, tied and untied.
 */
class LlamaWeightProductTest {
  private static final int D = 32;
  private static final int F = 48;
  private static final int V = 512;

  @Test
  void productsOfATiedModelEqualBruteForce(@TempDir Path dir) {
    check(Variant.LLAMA_TIED, dir, "model.embed_tokens.weight");
  }

  @Test
  void productsOfAnUntiedModelUseItsLmHead(@TempDir Path dir) {
    check(Variant.LLAMA, dir, "lm_head.weight");
  }

  @Test
  void weightSummariesRunOnALlamaCheckpoint(@TempDir Path dir) {
    LlamaFamilyTest.checkpoint(Variant.QWEN2, TensorDtype.BF16, 1)
        .write(dir, Fixtures.hfGpt2Reference());
    BlobStore store = new InMemoryBlobStore();
    try (SubjectModel model = SubjectModel.load(dir, ComputeOptions.cpu())) {
      int written =
          WeightSummaries.write(model, Gpt2Tokenizer.load(dir), new int[] {0, 1}, 5, store);
      assertThat(written).isEqualTo(2 * F);
    }
  }

  private static void check(Variant variant, Path dir, String unembedding) {
    LlamaFamilyTest.checkpoint(variant, TensorDtype.F32, 1).write(dir, Fixtures.hfGpt2Reference());
    try (SubjectModel model = SubjectModel.load(dir, ComputeOptions.cpu());
        SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      float[] embed = file.floats("model.embed_tokens.weight");
      float[] unembed = file.floats(unembedding);
      float[] norm = file.floats("model.norm.weight");
      float[] gate1 = file.floats("model.layers.1.mlp.gate_proj.weight");
      float[] gain1 = file.floats("model.layers.1.post_attention_layernorm.weight");
      float[] down0 = file.floats("model.layers.0.mlp.down_proj.weight");

      FloatTensor in = model.weightProduct(new WeightProduct.InputTokens(1));
      FloatTensor out = model.weightProduct(new WeightProduct.OutputTokens(0));
      FloatTensor neurons = model.weightProduct(new WeightProduct.Neurons(0, 1));
      assertThat(in.shape()).containsExactly(F, V);
      assertThat(out.shape()).containsExactly(F, V);
      assertThat(neurons.shape()).containsExactly(F, F);
      for (int n : new int[] {0, 17, F - 1}) {
        for (int t : new int[] {0, 99, V - 1}) {
          double expectedIn = 0;
          double expectedOut = 0;
          for (int d = 0; d < D; d++) {
            expectedIn += (double) embed[t * D + d] * gain1[d] * gate1[n * D + d];
            expectedOut += (double) down0[d * F + n] * norm[d] * unembed[t * D + d];
          }
          assertThat(in.get(n, t)).isCloseTo((float) expectedIn, within(expectedIn));
          assertThat(out.get(n, t)).isCloseTo((float) expectedOut, within(expectedOut));
        }
        for (int m : new int[] {1, 30}) {
          double expected = 0;
          for (int d = 0; d < D; d++) {
            expected += (double) down0[d * F + n] * gain1[d] * gate1[m * D + d];
          }
          assertThat(neurons.get(n, m)).isCloseTo((float) expected, within(expected));
        }
      }
    }
  }

  private static org.assertj.core.data.Offset<Float> within(double expected) {
    return org.assertj.core.data.Offset.offset((float) (1e-5 * Math.max(1, Math.abs(expected))));
  }
}
