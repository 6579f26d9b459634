package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsMemoryTest {

  /** The estimate counts the arrays a layer's statistics allocate, to within their headers. */
  @Test
  void theEstimateMatchesTheArraysOfFilledStatistics() {
    CaptureSettings settings = new CaptureSettings(8, 5, 3, 10, 0, 50, 2).withQuantiles(20, false);
    int neurons = 64;
    int excerpts = 40;
    int distinct = 30;
    long estimate = StatsMemory.bytesPerLayer(neurons, settings, distinct, excerpts);
    long arrays =
        neurons * (5 + 10) * (16 + 4L * 8) // top and pool: key, slot, max, activations
            + neurons * 20L * 16 // quantile keys
            + (long) neurons * distinct * 8
            + distinct * 16L
            + (long) neurons * 4 * ExactSums.LIMBS * 8
            + neurons * 8L * 4;
    assertThat(estimate).isEqualTo(arrays);
    // Heaps never hold more entries than there are excerpts.
    assertThat(StatsMemory.bytesPerLayer(neurons, settings, distinct, 2)).isLessThan(estimate);
    // GPT-2 small, all layers, its whole vocabulary seen: token tables 14.8 GB, heaps 3.3 GB.
    long gpt2Small =
        12 * StatsMemory.bytesPerLayer(3072, CaptureSettings.defaults(), 50257, 50_000);
    assertThat(gpt2Small).isBetween(18_000_000_000L, 18_500_000_000L);
  }
}
