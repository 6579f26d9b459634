package org.neuronexplainer.worker.capture.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Hook;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.stats.LayerStats;
import org.neuronexplainer.worker.capture.stats.PartialCodec;

class StatsPoolTest {
  static final int CONTEXT = 4;
  static final int WIDTH = 600; // three parts of neurons
  static final CaptureSettings SETTINGS =
      CaptureSettings.defaults()
          .withContext(CONTEXT)
          .withTop(3)
          .withSamples(2, 5)
          .withSeed(7)
          .withTokenTables(10, 1);

  static LayerStats empty(int layer) {
    return LayerStats.create(layer, IntStream.range(0, WIDTH).toArray(), SETTINGS, 50, 40);
  }

  static ForwardResult batch(int seed, int excerpts, int... layers) {
    Random random = new Random(seed);
    Map<Hook, FloatTensor> acts = new HashMap<>();
    for (int layer : layers) {
      float[] data = new float[excerpts * CONTEXT * WIDTH];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) random.nextGaussian();
      }
      acts.put(Hook.mlpNeurons(layer), new FloatTensor(new int[] {excerpts, CONTEXT, WIDTH}, data));
    }
    return new ForwardResult(acts, Optional.empty());
  }

  static int[][] tokens(int seed, int excerpts) {
    Random random = new Random(seed);
    int[][] tokens = new int[excerpts][CONTEXT];
    for (int[] row : tokens) {
      for (int t = 0; t < CONTEXT; t++) {
        row[t] = random.nextInt(50);
      }
    }
    return tokens;
  }

  @Test
  void batchesOnThePoolGiveTheStatisticsOfASerialRun() {
    List<LayerStats> pooled = List.of(empty(0), empty(1));
    List<LayerStats> serial = List.of(empty(0), empty(1));
    int[][] excerptTokens = new int[10][];
    try (StatsPool pool = new StatsPool(3)) {
      for (int b = 0; b < 5; b++) {
        int[] ids = {2 * b, 2 * b + 1};
        ForwardResult result = batch(b, 2, 0, 1);
        int[][] tokens = tokens(b, 2);
        excerptTokens[2 * b] = tokens[0];
        excerptTokens[2 * b + 1] = tokens[1];
        pool.submit(pooled, ids, tokens, result);
        for (LayerStats layer : serial) {
          layer.accept(ids, tokens, result.layer(layer.layer()));
        }
      }
      pool.await();
    }
    for (int i = 0; i < 2; i++) {
      assertThat(pooled.get(i).excerpts()).isEqualTo(10);
      assertThat(PartialCodec.encode(pooled.get(i), id -> excerptTokens[id], 8))
          .isEqualTo(PartialCodec.encode(serial.get(i), id -> excerptTokens[id], 8));
    }
  }

  @Test
  void aLayerThatFailsStopsTheBatchWithItsOwnException() {
    LayerStats good = empty(0);
    LayerStats wrongContext = LayerStats.create(1, new int[] {0}, SETTINGS.withContext(3), 50, 40);
    try (StatsPool pool = new StatsPool(2)) {
      pool.submit(List.of(good, wrongContext), new int[] {0}, tokens(1, 1), batch(1, 1, 0, 1));
      assertThatThrownBy(pool::await)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("do not match");
    }
    assertThat(good.excerpts()).as("no layer of a failed batch is finished").isZero();
  }
}
