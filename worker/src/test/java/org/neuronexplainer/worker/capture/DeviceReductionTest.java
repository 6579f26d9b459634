package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The device's reduction of a batch against the same numbers computed here from every activation,
 * in plain Java: maxima and token sums equal, power sums within their tolerance, and exactly the
 * excerpts the bounds let through copied.
 */
class DeviceReductionTest {
  private static final int BATCH = 12;
  private static final int CONTEXT = 5;
  private static final int WIDTH = 7;

  @Test
  void reducesToWhatTheHostComputesFromEveryActivation() {
    Random random = new Random(3);
    float[] values = new float[BATCH * CONTEXT * WIDTH];
    for (int i = 0; i < values.length; i++) {
      // Repeated values make ties at the batch's k-th largest max.
      values[i] = random.nextInt(4) == 0 ? 0.5f : (float) random.nextGaussian() * 3;
    }
    int[][] tokens = new int[BATCH][CONTEXT];
    for (int[] row : tokens) {
      Arrays.setAll(row, t -> random.nextInt(9));
    }
    float[] floor = new float[WIDTH];
    Arrays.fill(floor, Float.NEGATIVE_INFINITY);
    floor[2] = 1.5f;
    boolean[] sampled = new boolean[BATCH * WIDTH];
    sampled[3 * WIDTH + 4] = true;
    sampled[7 * WIDTH + 2] = true;
    int topK = 3;
    DeviceBounds bounds = new DeviceBounds(tokens, topK, floor, sampled);

    ReducedBatch reduced;
    try (NDManager manager = NDManager.newBaseManager(Compute.ENGINE)) {
      NDArray activations =
          manager.create(values, new Shape(BATCH, CONTEXT, WIDTH)).toType(DataType.FLOAT32, false);
      reduced = DeviceReduction.reduce(activations, bounds);
      assertThat(activations.toFloatArray()).as("the activations are only read").isEqualTo(values);
    }

    float[] max = new float[BATCH * WIDTH];
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    TreeMap<Integer, long[]> tokenSums = new TreeMap<>();
    for (int b = 0; b < BATCH; b++) {
      for (int t = 0; t < CONTEXT; t++) {
        long[] row = tokenSums.computeIfAbsent(tokens[b][t], k -> new long[WIDTH]);
        for (int j = 0; j < WIDTH; j++) {
          float x = values[(b * CONTEXT + t) * WIDTH + j];
          max[b * WIDTH + j] = Math.max(max[b * WIDTH + j], x);
          row[j] += (long) (x * (double) (1 << 24));
        }
      }
    }
    assertThat(reduced.max()).isEqualTo(max);
    assertThat(reduced.tokens())
        .isEqualTo(tokenSums.keySet().stream().mapToInt(Integer::intValue).toArray());
    long[] sums = tokenSums.values().stream().flatMapToLong(Arrays::stream).toArray();
    assertThat(reduced.tokenSums()).isEqualTo(sums);

    for (int b = 0; b < BATCH; b++) {
      for (int j = 0; j < WIDTH; j++) {
        for (int p = 1; p <= 4; p++) {
          double sum = 0;
          double magnitude = 0;
          for (int t = 0; t < CONTEXT; t++) {
            double term = Math.pow(values[(b * CONTEXT + t) * WIDTH + j], p);
            sum += term;
            magnitude += Math.abs(term);
          }
          assertThat(reduced.sums()[(b * WIDTH + j) * 4 + p - 1])
              .isCloseTo(sum, Offset.offset(CONTEXT * 0x1p-52 * magnitude));
        }
      }
    }

    List<Integer> expected = new ArrayList<>();
    for (int b = 0; b < BATCH; b++) {
      for (int j = 0; j < WIDTH; j++) {
        float kth = kthLargest(max, j, topK);
        float m = max[b * WIDTH + j];
        if ((m >= kth && m >= floor[j]) || sampled[b * WIDTH + j]) {
          expected.add(b * WIDTH + j);
        }
      }
    }
    assertThat(reduced.rows()).isEqualTo(expected.stream().mapToInt(Integer::intValue).toArray());
    assertThat(reduced.rows().length).isLessThan(BATCH * WIDTH / 2);
    for (int r = 0; r < reduced.rows().length; r++) {
      int b = reduced.rows()[r] / WIDTH;
      int j = reduced.rows()[r] % WIDTH;
      assertThat(reduced.rowStart(b, j)).isEqualTo(r * CONTEXT);
      for (int t = 0; t < CONTEXT; t++) {
        assertThat(reduced.activations()[r * CONTEXT + t])
            .isEqualTo(values[(b * CONTEXT + t) * WIDTH + j]);
      }
    }
    assertThat(reduced.rowStart(0, 0) < 0 || expected.contains(0)).isTrue();
  }

  private static float kthLargest(float[] max, int j, int k) {
    float[] column = new float[BATCH];
    for (int b = 0; b < BATCH; b++) {
      column[b] = max[b * WIDTH + j];
    }
    Arrays.sort(column);
    return column[BATCH - k];
  }
}
