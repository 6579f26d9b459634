package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.FloatTensor;

/** The vector loop gives bit for bit what the scalar loop gives. */
class VectorKernelTest {
  private static final int VOCAB = 40;

  @Test
  void theTestJvmRunsTheVectorLoop() {
    // The build runs tests with the vector module; without it this class would test nothing.
    assumeThat(VectorKernel.supported()).as("a CPU with 256-bit vectors").isTrue();
    assertThat(LayerStats.kernel()).isEqualTo("vector");
  }

  @Test
  void vectorAndScalarStatisticsAreIdentical() {
    assumeThat(Kernels.VECTOR).as("the vector loop runs in this JVM").isTrue();
    // Widths that are and are not a multiple of the 8 lanes, one of more than one part; contexts
    // that are and are not a multiple of 8 tokens.
    for (int width : new int[] {8, 37, LayerBatch.PART + 21}) {
      for (int context : new int[] {16, 13}) {
        assertIdentical(width, context);
      }
    }
  }

  private static void assertIdentical(int width, int context) {
    int[] neurons = IntStream.range(0, width).toArray();
    CaptureSettings settings =
        CaptureSettings.defaults()
            .withContext(context)
            .withTop(5)
            .withSamples(3, 8)
            .withSeed(1)
            .withTokenTables(10, 2)
            .withQuantiles(6, false);
    LayerStats vector = LayerStats.create(2, neurons, settings, VOCAB, 1000);
    LayerStats scalar = LayerStats.create(2, neurons, settings, VOCAB, 1000);
    assertThat(vector.vectorized).isTrue();
    scalar.vectorized = false;
    Random random = new Random(width);
    int[][] excerptTokens = new int[48][];
    for (int start = 0; start < excerptTokens.length; start += 4) {
      int[] ids = IntStream.range(start, start + 4).toArray();
      int[][] tokens = new int[4][context];
      for (int b = 0; b < 4; b++) {
        for (int t = 0; t < context; t++) {
          tokens[b][t] = random.nextInt(VOCAB);
        }
        excerptTokens[start + b] = tokens[b];
      }
      float[] acts = new float[4 * context * width];
      for (int i = 0; i < acts.length; i++) {
        acts[i] = activation(random);
      }
      FloatTensor tensor = new FloatTensor(new int[] {4, context, width}, acts);
      vector.accept(ids, tokens, tensor);
      scalar.accept(ids, tokens, tensor);
    }
    assertThat(PartialCodec.encode(vector, id -> excerptTokens[id], 32))
        .as("width %d, context %d", width, context)
        .isEqualTo(PartialCodec.encode(scalar, id -> excerptTokens[id], 32));
  }

  /**
   * GELU-like values, with what the vector loop must treat like the scalar one: values whose fixed
   * point does not fit its fast conversion (the whole group then falls back), zeros of both signs,
   * halves that round differently toward zero and to nearest, and ties in the max.
   */
  private static float activation(Random random) {
    return switch (random.nextInt(40)) {
      case 0 -> (random.nextBoolean() ? 1 : -1) * 3e8f;
      case 1 -> -0.0f;
      case 2 -> 0.0f;
      case 3 -> (random.nextInt(200) - 100) / 2f * 0x1p-24f;
      case 4 -> 1.5f;
      default -> {
        double x = random.nextGaussian() - 0.5;
        yield (float) (0.5 * x * (1 + Math.tanh(0.7978845608 * (x + 0.044715 * x * x * x))));
      }
    };
  }
}
