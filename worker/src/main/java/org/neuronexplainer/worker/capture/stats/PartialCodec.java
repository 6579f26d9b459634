package org.neuronexplainer.worker.capture.stats;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.zip.DeflaterOutputStream;

/**
 * The binary form of one layer's statistics over one shard, with the token ids of every excerpt it
 * refers to, so that collate needs neither the corpus nor the model's weights. Format version 3,
 * big-endian, addressable by neuron block so that a collate job reads only its block:
 *
 * <pre>
 * int    magic "NXP3"
 * int    h, the length of the header
 * h      header, deflated: layer, settings, vocabulary size, neurons, excerpts, heap capacities,
 *        and per chunk its neuron positions [from, to), offset (after the header) and length
 * ...    the chunks, each deflated on its own: per neuron its top list, pool, quantile keys and
 *        power sums; the token rows of its neurons; the token ids of the excerpts it refers to
 * </pre>
 *
 * A chunk is a run of consecutive neuron indices of at most {@code block} neurons, cut from the
 * start of each run as the coordinator cuts a run's collate blocks, so with the run's collate block
 * a collate job reads exactly its own chunks. Versions 1 and 2 (one deflated stream of the whole
 * layer) are refused by {@link PartialReader}, naming the version.
 */
public final class PartialCodec {
  static final int MAGIC = 0x4E585033; // "NXP3"

  /** The collate block of a run that does not say (the pipeline's default). */
  public static final int DEFAULT_BLOCK = 512;

  private PartialCodec() {}

  /** A decoded partial: the statistics and the token ids of the excerpts they refer to. */
  public record Partial(LayerStats stats, Map<Integer, int[]> excerptTokens) {}

  /** Neuron positions {@code [from, to)} of one chunk. */
  record Chunk(int from, int to) {}

  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * Encodes a layer's statistics in chunks of at most {@code block} neurons.
   *
   * @param excerptTokens the token ids of an excerpt, by its id
   */
  public static byte[] encode(LayerStats stats, IntFunction<int[]> excerptTokens, int block) {
    stats.requireComplete();
    if (block < 1) {
      throw new IllegalArgumentException("a partial's chunks need at least 1 neuron: " + block);
    }
    List<Chunk> chunks = chunks(stats.neurons, block);
    stats.powerSums.carryAll();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long[] offsets = new long[chunks.size()];
    int[] lengths = new int[chunks.size()];
    for (int c = 0; c < chunks.size(); c++) {
      Chunk chunk = chunks.get(c);
      byte[] bytes = deflate(out -> writeChunk(out, stats, chunk, excerptTokens));
      offsets[c] = body.size();
      lengths[c] = bytes.length;
      body.writeBytes(bytes);
    }
    byte[] header = deflate(out -> writeHeader(out, stats, chunks, offsets, lengths));
    ByteArrayOutputStream all = new ByteArrayOutputStream(8 + header.length + body.size());
    try (DataOutputStream out = new DataOutputStream(all)) {
      out.writeInt(MAGIC);
      out.writeInt(header.length);
      out.write(header);
      body.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toByteArray();
  }

  /**
   * Positions of sorted neuron indices cut into runs of consecutive indices of at most {@code
   * block} each: the coordinator's collate blocks of those neurons.
   */
  static List<Chunk> chunks(int[] neurons, int block) {
    List<Chunk> chunks = new ArrayList<>();
    int from = 0;
    for (int j = 1; j <= neurons.length; j++) {
      if (j == neurons.length || neurons[j] != neurons[j - 1] + 1 || j - from == block) {
        chunks.add(new Chunk(from, j));
        from = j;
      }
    }
    return chunks;
  }

  private static void writeHeader(
      DataOutputStream out, LayerStats stats, List<Chunk> chunks, long[] offsets, int[] lengths)
      throws IOException {
    CaptureSettings s = stats.settings;
    out.writeInt(stats.layer);
    for (int v : new int[] {s.context(), s.top(), s.random(), s.pool()}) {
      out.writeInt(v);
    }
    out.writeLong(s.seed());
    out.writeInt(s.tableSize());
    out.writeInt(s.tableMinCount());
    out.writeInt(s.quantileKeys());
    out.writeBoolean(s.twoPassQuantiles());
    out.writeInt(stats.tokens.vocabSize());
    out.writeInt(stats.neurons.length);
    for (int n : stats.neurons) {
      out.writeInt(n);
    }
    out.writeLong(stats.excerpts);
    out.writeInt(stats.top.capacity());
    out.writeInt(stats.pool.capacity());
    out.writeInt(stats.tail.capacity());
    out.writeInt(chunks.size());
    for (int c = 0; c < chunks.size(); c++) {
      out.writeInt(chunks.get(c).from());
      out.writeInt(chunks.get(c).to());
      out.writeLong(offsets[c]);
      out.writeInt(lengths[c]);
    }
  }

  private static void writeChunk(
      DataOutputStream out, LayerStats stats, Chunk chunk, IntFunction<int[]> excerptTokens)
      throws IOException {
    TreeMap<Integer, int[]> referenced = new TreeMap<>();
    for (int j = chunk.from(); j < chunk.to(); j++) {
      for (BottomK heap : new BottomK[] {stats.top, stats.pool}) {
        BottomK.Entry[] entries = heap.sorted(j);
        out.writeInt(entries.length);
        for (BottomK.Entry e : entries) {
          out.writeLong(e.key());
          out.writeFloat(e.max());
          for (float a : e.activations()) {
            out.writeFloat(a);
          }
          referenced.computeIfAbsent(e.excerptId(), excerptTokens::apply);
        }
      }
      long[] keys = stats.tail.sortedKeys(j);
      out.writeInt(keys.length);
      for (long key : keys) {
        out.writeLong(key);
      }
      for (int sum = j * 4; sum < j * 4 + 4; sum++) {
        for (int limb = 0; limb < ExactSums.LIMBS; limb++) {
          out.writeLong(stats.powerSums.limb(sum, limb));
        }
      }
    }
    TokenTable table = stats.tokens;
    for (int t = 0; t < table.vocabSize(); t++) {
      if (table.occurred(t)) {
        out.writeInt(t);
        out.writeLong(table.count(t));
        for (int j = chunk.from(); j < chunk.to(); j++) {
          out.writeLong(table.sum(t, j));
        }
      }
    }
    out.writeInt(-1);
    out.writeInt(referenced.size());
    for (Map.Entry<Integer, int[]> e : referenced.entrySet()) {
      out.writeInt(e.getKey());
      for (int token : e.getValue()) {
        out.writeInt(token);
      }
    }
  }

  private static byte[] deflate(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new DeflaterOutputStream(bytes), 1 << 16))) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
