package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;

/** Half-precision checkpoints and half-precision compute. */
class PrecisionTest {
  @TempDir Path dir;

  @Test
  void f16AndBf16CheckpointsComputeWhatTheirFloat32WideningComputes() throws IOException {
    for (TensorDtype dtype : new TensorDtype[] {TensorDtype.F16, TensorDtype.BF16}) {
      Path half = Files.createDirectories(dir.resolve(dtype.name()));
      Path wide = Files.createDirectories(dir.resolve(dtype.name() + "-as-f32"));
      CheckpointFixture.copyConfig(half);
      CheckpointFixture.copyConfig(wide);
      CheckpointFixture.writeWeightsAs(half, dtype);
      CheckpointFixture.writeWidened(half, wide);

      int[][] ids = {{5, 17, 300, 44, 511, 0, 9, 128}};
      try (Gpt2Model fromHalf = Gpt2Model.load(half, ComputeOptions.cpu());
          Gpt2Model fromWide = Gpt2Model.load(wide, ComputeOptions.cpu())) {
        ForwardResult a = fromHalf.forward(ids, new int[] {0, 1}, true);
        ForwardResult b = fromWide.forward(ids, new int[] {0, 1}, true);
        assertThat(a.layer(1)).as(dtype.name()).isEqualTo(b.layer(1));
        assertThat(a.logits()).as(dtype.name()).isEqualTo(b.logits());
      }
    }
  }

  @Test
  void float16ComputeStaysNearTheFloat32Reference() {
    // float16 keeps ~3 decimal digits; activations here reach ~10, so errors of a few 1e-2 are
    // its rounding, not a bug (this checks the path runs; GPUs are where float16 is meant for).
    Path model = Fixtures.hfGpt2Reference();
    try (Gpt2Model half = Gpt2Model.load(model, new ComputeOptions("cpu", Precision.FLOAT16));
        SafetensorsFile reference =
            SafetensorsFile.open(model.resolve("reference-activations.safetensors"))) {
      assertThat(half.describeCompute()).isEqualTo("cpu float16");
      int[][] ids = new int[4][32];
      long[] flat = reference.longs("input_ids");
      for (int i = 0; i < flat.length; i++) {
        ids[i / 32][i % 32] = (int) flat[i];
      }
      FloatTensor layer1 = half.forward(ids, new int[] {1}, false).layer(1);
      FloatTensor expected =
          new FloatTensor(new int[] {4, 32, 192}, reference.floats("mlp_post_act.1"));
      assertThat(layer1.maxAbsDiff(expected)).isGreaterThan(0).isLessThan(0.1);
    }
  }

  @Test
  void bfloat16IsRefusedWithTheReason() {
    assertThatThrownBy(() -> new ComputeOptions("cpu", Precision.BFLOAT16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bfloat16 is not available");
    // The engine's limit is in its data-type table, before any device: CUDA is refused alike.
    assertThatThrownBy(() -> new ComputeOptions("gpu:0", Precision.BFLOAT16))
        .hasMessageContaining("on any device")
        .hasMessageContaining("a bfloat16 checkpoint still loads");
    assertThat(Precision.parse("bf16")).isEqualTo(Precision.BFLOAT16);
    assertThat(Precision.parse("fp16")).isEqualTo(Precision.FLOAT16);
  }
}
