package org.neuronexplainer.worker.capture.stats;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.InflaterInputStream;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.stats.PartialCodec.Chunk;
import org.neuronexplainer.worker.capture.stats.PartialCodec.Partial;

/**
 * Reads partials ({@link PartialCodec}): a whole layer, or only the neurons of one block, for which
 * it reads the header and the chunks that hold them (ranges of the stored blob) and decodes only
 * those neurons. Anything that does not parse is refused with the partial named.
 */
public final class PartialReader {
  private static final int HEAD = 8; // magic, header length
  private static final int OLD_MAGIC = 0x4E5850; // "NXP" of every version before the digit

  /** Reads {@code length} bytes at {@code offset} of one partial (fewer at its end). */
  @FunctionalInterface
  private interface Ranges {
    byte[] read(long offset, int length);
  }

  private record Header(
      int layer,
      CaptureSettings settings,
      int vocab,
      int[] neurons,
      long excerpts,
      int[] capacities,
      List<Chunk> chunks,
      long[] offsets,
      int[] lengths) {}

  private PartialReader() {}

  /** Every neuron of a partial held in memory; {@code where} names it in errors. */
  static Partial decode(byte[] data, String where) {
    return read((offset, length) -> BlobStore.slice(data, offset, length), where, 0, -1);
  }

  /**
   * The neurons {@code first..last} (indices in the layer) of the partial stored under {@code key},
   * reading only its header and the chunks that hold them; empty when there is no such blob.
   */
  public static Optional<Partial> read(BlobStore store, String key, int first, int last) {
    if (!store.exists(key)) {
      return Optional.empty();
    }
    Ranges ranges =
        (offset, length) ->
            store
                .getRange(key, offset, length)
                .orElseThrow(() -> new IllegalArgumentException(key + " disappeared while read"));
    return Optional.of(read(ranges, key, first, last));
  }

  /** The whole partial stored under {@code key}; empty when there is no such blob. */
  public static Optional<Partial> read(BlobStore store, String key) {
    return read(store, key, 0, Integer.MAX_VALUE);
  }

  /** With {@code last < first}: every neuron. */
  private static Partial read(Ranges ranges, String where, int first, int last) {
    byte[] head = ranges.read(0, HEAD);
    if (head.length < HEAD || ByteBuffer.wrap(head).getInt() != PartialCodec.MAGIC) {
      throw refusal(ranges, where);
    }
    int headerLength = ByteBuffer.wrap(head).getInt(4);
    if (headerLength <= 0) {
      throw corrupt(where, "a header of " + headerLength + " bytes");
    }
    Header header = header(exactly(ranges, HEAD, headerLength, where), where);
    boolean all = last < first;
    int[] index = new int[header.neurons().length]; // position in the partial -> in the result
    int selected = 0;
    for (int p = 0; p < index.length; p++) {
      int n = header.neurons()[p];
      index[p] = all || (n >= first && n <= last) ? selected++ : -1;
    }
    int[] neurons = new int[selected];
    for (int p = 0; p < index.length; p++) {
      if (index[p] >= 0) {
        neurons[index[p]] = header.neurons()[p];
      }
    }
    int[] caps = header.capacities();
    LayerStats stats =
        new LayerStats(
            header.layer(), neurons, header.settings(), header.vocab(), caps[0], caps[1], caps[2]);
    stats.excerpts = header.excerpts();
    Map<Integer, int[]> tokens = new TreeMap<>();
    long body = HEAD + (long) headerLength;
    for (int c = 0; c < header.chunks().size(); c++) {
      Chunk chunk = header.chunks().get(c);
      if (!anySelected(index, chunk)) {
        continue; // never read: another block's neurons
      }
      byte[] bytes = exactly(ranges, body + header.offsets()[c], header.lengths()[c], where);
      try (DataInputStream in = inflate(bytes)) {
        new ChunkDecoder(in, stats, index).decode(chunk, tokens);
      } catch (IOException | RuntimeException e) {
        throw corrupt(where, "chunk " + c + ": " + e.getMessage());
      }
    }
    return new Partial(stats, tokens);
  }

  private static boolean anySelected(int[] index, Chunk chunk) {
    for (int p = chunk.from(); p < chunk.to(); p++) {
      if (index[p] >= 0) {
        return true;
      }
    }
    return false;
  }

  private static byte[] exactly(Ranges ranges, long offset, int length, String where) {
    byte[] bytes = ranges.read(offset, length);
    if (bytes.length != length) {
      throw corrupt(where, "it ends at " + (offset + bytes.length) + " before byte " + offset);
    }
    return bytes;
  }

  private static Header header(byte[] bytes, String where) {
    try (DataInputStream in = inflate(bytes)) {
      int layer = in.readInt();
      CaptureSettings settings =
          new CaptureSettings(
              in.readInt(),
              in.readInt(),
              in.readInt(),
              in.readInt(),
              in.readLong(),
              in.readInt(),
              in.readInt(),
              in.readInt(),
              in.readBoolean());
      int vocab = in.readInt();
      int[] neurons = new int[in.readInt()];
      for (int j = 0; j < neurons.length; j++) {
        neurons[j] = in.readInt();
      }
      long excerpts = in.readLong();
      int[] capacities = {in.readInt(), in.readInt(), in.readInt()};
      int count = in.readInt();
      List<Chunk> chunks = new ArrayList<>(count);
      long[] offsets = new long[count];
      int[] lengths = new int[count];
      int next = 0;
      for (int c = 0; c < count; c++) {
        Chunk chunk = new Chunk(in.readInt(), in.readInt());
        if (chunk.from() != next || chunk.to() <= chunk.from() || chunk.to() > neurons.length) {
          throw new IOException("chunk " + c + " does not follow the previous one");
        }
        next = chunk.to();
        chunks.add(chunk);
        offsets[c] = in.readLong();
        lengths[c] = in.readInt();
      }
      if (next != neurons.length) {
        throw new IOException("its chunks hold " + next + " of " + neurons.length + " neurons");
      }
      return new Header(
          layer, settings, vocab, neurons, excerpts, capacities, chunks, offsets, lengths);
    } catch (IOException | IllegalArgumentException e) {
      throw corrupt(where, "its header: " + e.getMessage());
    }
  }

  /** Refuses what is not a version 3 partial, naming an older version when it is one. */
  private static IllegalArgumentException refusal(Ranges ranges, String where) {
    int magic;
    try (DataInputStream in = inflate(ranges.read(0, 256))) {
      magic = in.readInt(); // versions 1 and 2 deflate the whole blob, magic included
    } catch (IOException | RuntimeException e) {
      return new IllegalArgumentException(where + " is not a capture partial");
    }
    if (magic >>> 8 == OLD_MAGIC && (magic & 0xFF) >= '1' && (magic & 0xFF) <= '2') {
      return new IllegalArgumentException(
          where
              + " is a capture partial of format version "
              + (char) (magic & 0xFF)
              + ", written by an older build; this build reads version 3 (addressable by neuron"
              + " block): capture the run's shards again");
    }
    return new IllegalArgumentException(where + " is not a capture partial");
  }

  private static IllegalArgumentException corrupt(String where, String problem) {
    return new IllegalArgumentException(where + " is truncated or corrupt: " + problem);
  }

  private static DataInputStream inflate(byte[] bytes) {
    return new DataInputStream(
        new BufferedInputStream(new InflaterInputStream(new ByteArrayInputStream(bytes)), 1 << 16));
  }

  /** Decodes one chunk's neurons that are selected into the result; skips the others' bytes. */
  private static final class ChunkDecoder {
    private final DataInputStream in;
    private final LayerStats stats;
    private final int[] index;
    private final int context;
    private final Set<Integer> referenced = new HashSet<>();

    ChunkDecoder(DataInputStream in, LayerStats stats, int[] index) {
      this.in = in;
      this.stats = stats;
      this.index = index;
      this.context = stats.settings.context();
    }

    void decode(Chunk chunk, Map<Integer, int[]> tokens) throws IOException {
      int sumsPerNeuron = 4 * ExactSums.LIMBS;
      ExactSums sums = stats.powerSums;
      for (int p = chunk.from(); p < chunk.to(); p++) {
        int j = index[p];
        entries(stats.top, j);
        entries(stats.pool, j);
        int keys = in.readInt();
        if (j < 0) {
          in.skipNBytes(8L * keys + 8L * sumsPerNeuron);
          continue;
        }
        for (int i = 0; i < keys; i++) {
          long key = in.readLong();
          stats.tail.offer(j, key, 0);
        }
        for (int sum = j * 4; sum < j * 4 + 4; sum++) {
          for (int limb = 0; limb < ExactSums.LIMBS; limb++) {
            sums.setLimb(sum, limb, in.readLong());
          }
        }
      }
      tokenRows(chunk);
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        int id = in.readInt();
        if (!referenced.contains(id)) {
          in.skipNBytes(4L * context);
          continue;
        }
        int[] ids = new int[context];
        for (int t = 0; t < context; t++) {
          ids[t] = in.readInt();
        }
        tokens.put(id, ids);
      }
    }

    private void entries(BottomK heap, int j) throws IOException {
      int size = in.readInt();
      if (j < 0) {
        in.skipNBytes((12L + 4L * context) * size);
        return;
      }
      for (int i = 0; i < size; i++) {
        long key = in.readLong();
        float max = in.readFloat();
        float[] acts = new float[context];
        for (int t = 0; t < context; t++) {
          acts[t] = in.readFloat();
        }
        heap.add(j, new BottomK.Entry(key, max, acts));
        referenced.add((int) key);
      }
    }

    /** A token's count is the same in every chunk; each chunk fills its neurons' sums. */
    private void tokenRows(Chunk chunk) throws IOException {
      TokenTable table = stats.tokens;
      for (int t = in.readInt(); t >= 0; t = in.readInt()) {
        long count = in.readLong();
        table.restore(t, count);
        long[] row = table.slab(t);
        int offset = table.offset(t);
        for (int p = chunk.from(); p < chunk.to(); p++) {
          long sum = in.readLong();
          if (index[p] >= 0) {
            row[offset + index[p]] = sum;
          }
        }
      }
    }
  }
}
