package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;
import org.neuronexplainer.worker.capture.FloatTensor;

/** Partials in chunks of neuron blocks: exact round trips, and a block read alone. */
class PartialCodecTest {

  private static final int CONTEXT = 4;
  private static final int VOCAB = 30;
  private static final int WIDTH = 120;
  private static final int BLOCK = 32;
  private static final String KEY = "runs/r/partials/layer-3/shard-0-of-1.bin";
  // A gap in the selection: chunks are 0-31, 32-63, 64-69 and 80-109.
  private static final int[] NEURONS =
      IntStream.concat(IntStream.range(0, 70), IntStream.range(80, 110)).toArray();

  private static LayerStats stats;
  private static int[][] excerptTokens;
  private static byte[] bytes;

  @BeforeAll
  static void capture() {
    Random random = new Random(5);
    int excerpts = 40;
    CaptureSettings settings =
        CaptureSettings.defaults()
            .withContext(CONTEXT)
            .withTop(5)
            .withSamples(3, 8)
            .withSeed(1)
            .withTokenTables(10, 2)
            .withQuantiles(6, false);
    stats = LayerStats.create(3, NEURONS, settings, VOCAB, excerpts);
    excerptTokens = new int[excerpts][CONTEXT];
    for (int start = 0; start < excerpts; start += 4) {
      int[] ids = IntStream.range(start, start + 4).toArray();
      int[][] tokens = new int[4][];
      float[] acts = new float[4 * CONTEXT * WIDTH];
      for (int b = 0; b < 4; b++) {
        for (int t = 0; t < CONTEXT; t++) {
          excerptTokens[start + b][t] = random.nextInt(VOCAB);
        }
        tokens[b] = excerptTokens[start + b];
      }
      for (int i = 0; i < acts.length; i++) {
        acts[i] = (float) random.nextGaussian();
      }
      stats.accept(ids, tokens, new FloatTensor(new int[] {4, CONTEXT, WIDTH}, acts));
    }
    bytes = PartialCodec.encode(stats, id -> excerptTokens[id], BLOCK);
  }

  /** Everything a neuron's records come from, as text. */
  private static String state(LayerStats s, int j) {
    StringBuilder out = new StringBuilder("neuron ").append(s.neurons[j]);
    for (BottomK heap : new BottomK[] {s.top, s.pool}) {
      for (BottomK.Entry e : heap.sorted(j)) {
        out.append(' ').append(e.key()).append('/').append(e.max());
        out.append(Arrays.toString(e.activations()));
      }
      out.append(" |");
    }
    out.append(Arrays.toString(s.tail.sortedKeys(j))).append(" |");
    s.powerSums.carryAll();
    for (int sum = j * 4; sum < j * 4 + 4; sum++) {
      out.append(' ').append(s.powerSums.exact(sum));
    }
    for (int t = 0; t < VOCAB; t++) {
      if (s.tokens.occurred(t)) {
        out.append(' ').append(t).append(':').append(s.tokens.count(t));
        out.append('=').append(s.tokens.sum(t, j));
      }
    }
    return out.toString();
  }

  private static void assertSameNeurons(LayerStats read, int[] expected) {
    assertThat(read.neurons()).containsExactly(expected);
    assertThat(read.excerpts()).isEqualTo(stats.excerpts());
    for (int j = 0; j < expected.length; j++) {
      int p = Arrays.binarySearch(NEURONS, expected[j]);
      assertThat(state(read, j)).isEqualTo(state(stats, p));
    }
  }

  @Test
  void chunksFollowTheCollateBlocksOfTheSelection() {
    assertThat(PartialCodec.chunks(NEURONS, BLOCK))
        .containsExactly(
            new PartialCodec.Chunk(0, 32),
            new PartialCodec.Chunk(32, 64),
            new PartialCodec.Chunk(64, 70),
            new PartialCodec.Chunk(70, 100));
  }

  @Test
  void aWholePartialRoundTripsExactly() {
    PartialCodec.Partial whole = PartialReader.decode(bytes, KEY);
    assertSameNeurons(whole.stats(), NEURONS);
    assertThat(PartialCodec.encode(whole.stats(), id -> excerptTokens[id], BLOCK)).isEqualTo(bytes);
    assertThat(whole.excerptTokens())
        .isNotEmpty()
        .allSatisfy((id, tokens) -> assertThat(tokens).isEqualTo(excerptTokens[id]));
  }

  @Test
  void aBlockReadsOnlyItsChunkAndDecodesOnlyItsNeurons() {
    CountingStore store = new CountingStore();
    store.put(KEY, bytes);
    LayerStats block = PartialReader.read(store, KEY, 32, 63).orElseThrow().stats();
    assertSameNeurons(block, IntStream.range(32, 64).toArray());
    assertThat(store.wholeReads).as("never the whole blob").isZero();
    assertThat(store.ranges).as("the head, the header, one chunk").hasSize(3);
    assertThat(store.bytesRead).isLessThan(bytes.length * 2L / 5);
    long[] chunk = store.ranges.get(2);

    store.reset();
    PartialReader.read(store, KEY, 0, 31).orElseThrow();
    long[] other = store.ranges.get(2);
    assertThat(other[0] + other[1] <= chunk[0] || chunk[0] + chunk[1] <= other[0])
        .as("blocks 0-31 and 32-63 read disjoint chunks")
        .isTrue();
  }

  @Test
  void aBlockAcrossChunksTakesOnlyItsNeuronsFromEach() {
    CountingStore store = new CountingStore();
    store.put(KEY, bytes);
    LayerStats read = PartialReader.read(store, KEY, 60, 85).orElseThrow().stats();
    assertSameNeurons(
        read, IntStream.concat(IntStream.range(60, 70), IntStream.range(80, 86)).toArray());
    assertThat(store.ranges).as("the head, the header, three of four chunks").hasSize(5);
    assertThat(PartialReader.read(store, "runs/r/absent.bin", 0, 10)).isEmpty();
  }

  @Test
  void olderVersionsAndDamagedPartialsAreRefusedByName() throws Exception {
    ByteArrayOutputStream v2 = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(v2))) {
      out.writeInt(0x4E585032); // "NXP2", the first int of a version 2 partial's stream
      out.write(new byte[100]);
    }
    assertThatThrownBy(() -> PartialReader.decode(v2.toByteArray(), KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(KEY + " is a capture partial of format version 2")
        .hasMessageContaining("capture the run's shards again");
    assertThatThrownBy(() -> PartialReader.decode(new byte[] {1, 2, 3}, KEY))
        .hasMessage(KEY + " is not a capture partial");
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);
    assertThatThrownBy(() -> PartialReader.decode(cut, KEY))
        .hasMessageContaining(KEY + " is truncated or corrupt");
    assertThatThrownBy(() -> PartialCodec.encode(stats, id -> excerptTokens[id], 0))
        .hasMessageContaining("at least 1 neuron");
  }

  /** An in-memory store that counts what is read. */
  private static final class CountingStore extends ForwardingStore {
    int wholeReads;
    long bytesRead;
    final List<long[]> ranges = new ArrayList<>();

    CountingStore() {
      super(new InMemoryBlobStore());
    }

    void reset() {
      wholeReads = 0;
      bytesRead = 0;
      ranges.clear();
    }

    @Override
    public Optional<byte[]> get(String key) {
      wholeReads++;
      return inner.get(key);
    }

    @Override
    public Optional<byte[]> getRange(String key, long offset, int length) {
      Optional<byte[]> part = inner.getRange(key, offset, length);
      part.ifPresent(
          b -> {
            ranges.add(new long[] {offset, b.length});
            bytesRead += b.length;
          });
      return part;
    }
  }
}
