package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.corpus.Excerpts;

class StatsMemoryTest {

  private static final int VOCAB = 1000;

  /** The estimate, made before any excerpt is seen, is what the filled statistics really hold. */
  @Test
  void theEstimateIsTheSizeOfTheArraysTheStatisticsFill() {
    CaptureSettings settings =
        CaptureSettings.defaults()
            .withContext(8)
            .withTop(5)
            .withSamples(3, 10)
            .withQuantiles(20, false);
    int neurons = 64;
    Random random = new Random(4);
    int[][] tokens = new int[40][8];
    for (int[] row : tokens) {
      for (int t = 0; t < row.length; t++) {
        row[t] = random.nextInt(300); // some of the vocabulary, some tokens repeated
      }
    }
    Excerpts excerpts = Excerpts.of(tokens);
    int[] ids = IntStream.range(0, tokens.length).toArray();
    StatsMemory.Need need = StatsMemory.of(3, neurons, settings, VOCAB, excerpts, ids);

    LayerStats stats =
        LayerStats.create(0, IntStream.range(0, neurons).toArray(), settings, VOCAB, tokens.length);
    for (int b = 0; b < tokens.length; b += 4) {
      float[] data = new float[4 * 8 * neurons];
      for (int k = 0; k < data.length; k++) {
        data[k] = (float) random.nextGaussian();
      }
      stats.accept(
          Arrays.copyOfRange(ids, b, b + 4),
          Arrays.copyOfRange(tokens, b, b + 4),
          new FloatTensor(new int[] {4, 8, neurons}, data));
    }
    assertThat(need.perLayer()).isEqualTo(stats.arrayBytes());
    assertThat(need.total()).isEqualTo(3 * stats.arrayBytes());
    assertThat(need.distinctTokens()).isBetween(150, 300);
  }

  @Test
  void theShortfallSaysHowManyLayersFitOrThatNoneDoes() {
    StatsMemory.Need need = new StatsMemory.Need(1 << 30, 4, 3072, 20_000);
    String[] words = {"this JVM", "at most %d layers", "fewer neurons", "more memory"};
    assertThat(need.shortfall(4L << 30, words[0], words[1], words[2], words[3])).isNull();
    assertThat(need.shortfall(3L << 30, words[0], words[1], words[2], words[3]))
        .isEqualTo(
            "need about 4.0 GiB of Java heap (4 layers x 3072 neurons, 20000 distinct tokens),"
                + " more than the 3.0 GiB this JVM can give them: at most 3 layers, or more"
                + " memory");
    assertThat(need.shortfall(1L << 29, words[0], words[1], words[2], words[3]))
        .contains(": fewer neurons, or more memory");
  }

  @Test
  void gpt2SmallOverItsWholeVocabularyNeedsAbout19GigabytesForAllLayers() {
    // Token tables 14.8 GB (and the unused end of each layer's last slab), heaps with their slack
    // 3.7 GB.
    long gpt2Small =
        12 * StatsMemory.bytesPerLayer(3072, CaptureSettings.defaults(), 50257, 50257, 50_000);
    assertThat(gpt2Small).isBetween(18_700_000_000L, 19_100_000_000L);
  }
}
