package org.neuronexplainer.worker.capture.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The binary form of one layer's statistics over one shard, with the token ids of every excerpt it
 * refers to, so that collate needs neither the corpus nor the model's weights. Big-endian,
 * deflated; a version number first, so a reader refuses what it does not know.
 */
public final class PartialCodec {
  private static final int MAGIC = 0x4E585032; // "NXP2": with the quantile keys

  private PartialCodec() {}

  /** A decoded partial: the statistics and the token ids of the excerpts they refer to. */
  public record Partial(LayerStats stats, Map<Integer, int[]> excerptTokens) {}

  public static byte[] encode(LayerStats stats, IntFunction<int[]> excerptTokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out =
        new DataOutputStream(
            new java.io.BufferedOutputStream(new DeflaterOutputStream(bytes), 1 << 16))) {
      CaptureSettings s = stats.settings;
      out.writeInt(MAGIC);
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
      TreeMap<Integer, int[]> referenced = new TreeMap<>();
      for (BottomK heap : new BottomK[] {stats.top, stats.pool}) {
        for (int j = 0; j < stats.neurons.length; j++) {
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
      }
      for (int j = 0; j < stats.neurons.length; j++) {
        BottomK.Entry[] entries = stats.tail.sorted(j);
        out.writeInt(entries.length);
        for (BottomK.Entry e : entries) {
          out.writeLong(e.key());
        }
      }
      for (long limb : stats.powerSums.limbs()) {
        out.writeLong(limb);
      }
      TokenTable table = stats.tokens;
      for (int t = 0; t < table.vocabSize(); t++) {
        if (table.sums(t) != null) {
          out.writeInt(t);
          out.writeLong(table.count(t));
          for (long v : table.sums(t)) {
            out.writeLong(v);
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes a partial; {@code where} names it in errors. */
  public static Partial decode(byte[] data, String where) {
    try (DataInputStream in =
        new DataInputStream(
            new java.io.BufferedInputStream(
                new InflaterInputStream(new ByteArrayInputStream(data)), 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException(where + " is not a capture partial of this version");
      }
      int layer = in.readInt();
      int context = in.readInt();
      CaptureSettings settings =
          new CaptureSettings(
              context,
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
      LayerStats stats =
          new LayerStats(layer, neurons, settings, vocab, in.readInt(), in.readInt(), in.readInt());
      stats.excerpts = excerpts;
      for (BottomK heap : new BottomK[] {stats.top, stats.pool}) {
        for (int j = 0; j < neurons.length; j++) {
          int size = in.readInt();
          for (int i = 0; i < size; i++) {
            long key = in.readLong();
            float max = in.readFloat();
            float[] acts = new float[context];
            for (int t = 0; t < context; t++) {
              acts[t] = in.readFloat();
            }
            heap.add(j, new BottomK.Entry(key, max, acts));
          }
        }
      }
      for (int j = 0; j < neurons.length; j++) {
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
          long key = in.readLong();
          stats.tail.add(j, new BottomK.Entry(key, SampleHash.maxOfTopPriority(key), new float[0]));
        }
      }
      long[] limbs = stats.powerSums.limbs();
      for (int i = 0; i < limbs.length; i++) {
        limbs[i] = in.readLong();
      }
      for (int t = in.readInt(); t >= 0; t = in.readInt()) {
        long count = in.readLong();
        long[] row = new long[neurons.length];
        for (int j = 0; j < row.length; j++) {
          row[j] = in.readLong();
        }
        stats.tokens.set(t, count, row);
      }
      Map<Integer, int[]> tokens = new TreeMap<>();
      int referenced = in.readInt();
      for (int i = 0; i < referenced; i++) {
        int id = in.readInt();
        int[] ids = new int[context];
        for (int t = 0; t < context; t++) {
          ids[t] = in.readInt();
        }
        tokens.put(id, ids);
      }
      return new Partial(stats, tokens);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is truncated or corrupt: " + e.getMessage(), e);
    }
  }
}
