package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * The forward pass against Hugging Face transformers on the same weights: the fixture's
 * reference-activations.safetensors was computed by GPT2LMHeadModel in float32 (its README).
 */
class Gpt2ModelReferenceTest {
  // Tells gelu_new (expected ~1e-5) from the erf GELU (~5e-4 off here) and the sigmoid one (~2e-2).
  private static final double TOLERANCE = 1e-4;

  private static Gpt2Model model;
  private static SafetensorsFile reference;

  @BeforeAll
  static void load() {
    Path dir = Fixtures.hfGpt2Reference();
    model = Gpt2Model.load(dir, ComputeOptions.cpu());
    reference = SafetensorsFile.open(dir.resolve("reference-activations.safetensors"));
  }

  @AfterAll
  static void close() {
    model.close();
    reference.close();
  }

  @Test
  void mlpActivationsAndLogitsMatchHuggingFace() {
    int[][] ids = inputIds();
    ForwardResult result = model.forward(ids, new int[] {0, 1}, true);

    for (int layer = 0; layer < 2; layer++) {
      FloatTensor expected = tensor("mlp_post_act." + layer);
      double diff = result.layer(layer).maxAbsDiff(expected);
      System.out.printf("mlp_post_act.%d max abs diff vs Hugging Face: %.3g%n", layer, diff);
      assertThat(diff).as("layer %d", layer).isLessThan(TOLERANCE);
    }
    FloatTensor logits = result.logits().orElseThrow();
    double diff = logits.maxAbsDiff(tensor("logits"));
    System.out.printf("logits max abs diff vs Hugging Face: %.3g%n", diff);
    assertThat(diff).isLessThan(TOLERANCE);
  }

  @Test
  void aBatchGivesEachSequenceWhatItGetsAlone() {
    int[][] ids = inputIds();
    FloatTensor batched = model.forward(ids, new int[] {1}, false).layer(1);
    FloatTensor alone = model.forward(new int[][] {ids[2]}, new int[] {1}, false).layer(1);
    int perSequence = alone.data().length;
    float[] third = Arrays.copyOfRange(batched.data(), 2 * perSequence, 3 * perSequence);
    assertThat(new FloatTensor(alone.shape(), third).maxAbsDiff(alone)).isLessThan(1e-5);
  }

  @Test
  void onlySelectedLayersAreReturnedAndLogitsOnlyWhenAsked() {
    ForwardResult result = model.forward(inputIds(), new int[] {1}, false);
    assertThat(result.mlpActivations()).containsOnlyKeys(1);
    assertThat(result.logits()).isEmpty();
    assertThat(result.layer(1).shape()).containsExactly(4, 32, 192);
  }

  @Test
  void reusedBuffersHoldEachPassOwnActivations() {
    int[][] ids = inputIds();
    int[][] firstTwo = Arrays.copyOfRange(ids, 0, 2);
    int[][] lastTwo = Arrays.copyOfRange(ids, 2, 4);
    int[] layers = {0, 1};
    ActivationBuffers buffers = new ActivationBuffers();

    ForwardResult first = model.forward(firstTwo, layers, false, buffers);
    float[] firstArray = first.layer(1).data();
    assertThat(first.layer(1).maxAbsDiff(model.forward(firstTwo, layers, false).layer(1))).isZero();
    ForwardResult second = model.forward(lastTwo, layers, false, buffers);
    assertThat(second.layer(1).data()).as("the same array, overwritten").isSameAs(firstArray);
    assertThat(second.layer(1).maxAbsDiff(model.forward(lastTwo, layers, false).layer(1))).isZero();
    assertThat(second.layer(0).data()).isNotSameAs(firstArray);

    // A pass of another size gets arrays of its own size.
    ForwardResult all = model.forward(ids, layers, false, buffers);
    assertThat(all.layer(1).data()).isNotSameAs(firstArray);
    assertThat(all.layer(1).maxAbsDiff(tensor("mlp_post_act.1"))).isLessThan(TOLERANCE);
    // Passes without a set never share arrays.
    assertThat(model.forward(lastTwo, layers, false).layer(1).data())
        .isNotSameAs(model.forward(lastTwo, layers, false).layer(1).data());
  }

  private static int[][] inputIds() {
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

  private static FloatTensor tensor(String name) {
    return new FloatTensor(reference.entry(name).orElseThrow().intShape(), reference.floats(name));
  }
}
