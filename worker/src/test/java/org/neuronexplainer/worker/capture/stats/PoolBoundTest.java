package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.FloatTensor;

/** Statistics that know their excerpts in advance bound their pools and keep the same records. */
class PoolBoundTest {
  private static final int CONTEXT = 8;
  private static final int VOCAB = 30;
  private static final int WIDTH = 19; // two groups of 8 lanes and a scalar rest
  private static final CaptureSettings SETTINGS =
      CaptureSettings.defaults()
          .withContext(CONTEXT)
          .withTop(4)
          .withSamples(3, 6)
          .withSeed(5)
          .withTokenTables(10, 1)
          .withQuantiles(5, false);

  @Test
  void theKthPriorityIsTheKthSmallestOfAllTheExcerptsPriorities() {
    Random random = new Random(3);
    for (int n : new int[] {1, 7, 40, 300, 5_000, 20_000}) {
      // Ids need not be consecutive: a shard's are blocks of the corpus's.
      int[] ids = random.ints(n * 3L, 0, Integer.MAX_VALUE).distinct().limit(n).toArray();
      long base = SampleHash.base(9, 2, n);
      long[] sorted =
          Arrays.stream(ids)
              .mapToLong(id -> SampleHash.priority(base, id) ^ Long.MIN_VALUE)
              .sorted()
              .map(p -> p ^ Long.MIN_VALUE)
              .toArray();
      for (int k : new int[] {1, 6, 250}) {
        long kth = SampleHash.kthPriority(base, ids, k, new long[n]);
        assertThat(kth).as("n %d, k %d", n, k).isEqualTo(n <= k ? -1L : sorted[k - 1]);
      }
    }
  }

  @Test
  void boundedPoolsGiveTheSameStatisticsAndKeepOnlyWhatStays() {
    for (boolean vector : new boolean[] {true, false}) {
      int[] ids = IntStream.range(0, 64).map(i -> 1000 + 3 * i).toArray();
      Batches batches = new Batches(ids, 11);
      LayerStats plain = LayerStats.create(1, neurons(), SETTINGS, VOCAB, ids.length);
      LayerStats bounded = LayerStats.forExcerpts(1, neurons(), SETTINGS, VOCAB, ids);
      plain.vectorized &= vector;
      bounded.vectorized &= vector;
      for (int b = 0; b < batches.count(); b++) {
        batches.offer(b, plain);
        batches.offer(b, bounded);
        for (int j = 0; j < WIDTH; j++) {
          // Never more than the capacity: nothing enters that leaves again.
          assertThat(bounded.pool.held(j)).isLessThanOrEqualTo(SETTINGS.pool());
          assertThat(plain.pool.held(j)).isLessThanOrEqualTo(SETTINGS.pool() + 1);
        }
      }
      assertThat(PartialCodec.encode(bounded, batches::tokens, 8))
          .as(vector ? "vector loop" : "scalar loop")
          .isEqualTo(PartialCodec.encode(plain, batches::tokens, 8));
    }
  }

  @Test
  void excerptsBeyondTheOnesPromisedStillEnterThePool() {
    // A continued capture adds new excerpts to statistics made for others.
    int[] first = IntStream.range(0, 40).toArray();
    int[] all = IntStream.range(0, 80).toArray();
    Batches batches = new Batches(all, 12);
    LayerStats plain = LayerStats.create(0, neurons(), SETTINGS, VOCAB, all.length);
    LayerStats bounded = LayerStats.forExcerpts(0, neurons(), SETTINGS, VOCAB, first);
    for (int b = 0; b < batches.count(); b++) {
      batches.offer(b, plain);
      batches.offer(b, bounded);
    }
    assertThat(PartialCodec.encode(bounded, batches::tokens, 8))
        .isEqualTo(PartialCodec.encode(plain, batches::tokens, 8));
  }

  @Test
  void recordsAreRefusedUntilEveryPromisedExcerptWasAdded() {
    int[] ids = IntStream.range(0, 32).toArray();
    Batches batches = new Batches(ids, 13);
    LayerStats bounded = LayerStats.forExcerpts(4, neurons(), SETTINGS, VOCAB, ids);
    batches.offer(0, bounded);
    assertThatThrownBy(() -> PartialCodec.encode(bounded, batches::tokens, 8))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("layer 4: 4 of the 32 excerpts");
    LayerStats other = LayerStats.create(4, neurons(), SETTINGS, VOCAB, 32);
    assertThatThrownBy(() -> other.addAll(bounded)).hasMessageContaining("4 of the 32");
    for (int b = 1; b < batches.count(); b++) {
      batches.offer(b, bounded);
    }
    assertThat(PartialCodec.encode(bounded, batches::tokens, 8)).isNotEmpty();
  }

  private static int[] neurons() {
    return IntStream.range(0, WIDTH).toArray();
  }

  /** Random excerpts in batches of 4, with the given ids. */
  private static final class Batches {
    private final int[] ids;
    private final int[][] tokens;
    private final float[][] activations;
    private final Map<Integer, int[]> byId = new HashMap<>();

    Batches(int[] ids, long seed) {
      Random random = new Random(seed);
      this.ids = ids;
      this.tokens = new int[ids.length][CONTEXT];
      this.activations = new float[ids.length / 4][4 * CONTEXT * WIDTH];
      for (int i = 0; i < ids.length; i++) {
        for (int t = 0; t < CONTEXT; t++) {
          tokens[i][t] = random.nextInt(VOCAB);
        }
        byId.put(ids[i], tokens[i]);
      }
      for (float[] batch : activations) {
        for (int i = 0; i < batch.length; i++) {
          batch[i] = (float) random.nextGaussian();
        }
      }
    }

    int count() {
      return activations.length;
    }

    int[] tokens(int id) {
      return byId.get(id);
    }

    void offer(int b, LayerStats stats) {
      stats.accept(
          Arrays.copyOfRange(ids, 4 * b, 4 * b + 4),
          Arrays.copyOfRange(tokens, 4 * b, 4 * b + 4),
          new FloatTensor(new int[] {4, CONTEXT, WIDTH}, activations[b]));
    }
  }
}
