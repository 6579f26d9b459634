package org.neuronexplainer.worker.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.corpus.CorpusException;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;

/**
 * A capture run's corpus, tokenized and cut once into shards stored under {@code
 * runs/{runId}/corpus/}. The first capture job of a run that finds no manifest does it (the
 * tokenizer is the model's, which the coordinator never loads, and the corpus is read where the
 * model is); the others read their shard back. Two jobs that race write the same bytes, and the
 * manifest goes last, so a manifest means every shard is there.
 */
final class CorpusShards {

  private static final int MAGIC = 0x4E58_4353; // "NXCS"
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the cut gave: the corpus-wide excerpt count is what collate checks its merge against. */
  record Manifest(int excerpts, int context, int shards) {}

  /** One shard: corpus-wide excerpt ids and their token ids. */
  record Shard(int[] ids, int[][] tokens) {}

  private CorpusShards() {}

  static Optional<Manifest> manifest(BlobStore store, String runId) {
    return store
        .get(CaptureKeys.corpusManifest(runId))
        .map(
            bytes -> {
              try {
                return JSON.readValue(bytes, Manifest.class);
              } catch (IOException e) {
                throw new UncheckedIOException("bad " + CaptureKeys.corpusManifest(runId), e);
              }
            });
  }

  /** The run's manifest, cutting and storing the corpus first when no job has yet. */
  static Manifest prepare(
      BlobStore store, String runId, CaptureRun capture, SubjectTokenizer tokenizer) {
    Optional<Manifest> existing = manifest(store, runId);
    if (existing.isPresent()) {
      return existing.get();
    }
    Excerpts excerpts = cut(store, capture, tokenizer);
    int shards = capture.shards();
    for (int shard = 0; shard < shards; shard++) {
      int[] ids = excerpts.shard(shard, shards);
      store.put(CaptureKeys.corpusShard(runId, shard, shards), encode(ids, excerpts));
    }
    Manifest manifest = new Manifest(excerpts.count(), capture.context(), shards);
    try {
      store.put(CaptureKeys.corpusManifest(runId), JSON.writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return manifest;
  }

  private static Excerpts cut(BlobStore store, CaptureRun capture, SubjectTokenizer tokenizer) {
    List<Path> copies = new ArrayList<>();
    try {
      List<Path> files = new ArrayList<>();
      for (String entry : capture.corpus()) {
        if (entry.startsWith(CaptureRun.STORE_PREFIX)) {
          Path copy = copyOut(store, entry.substring(CaptureRun.STORE_PREFIX.length()));
          copies.add(copy);
          files.add(copy);
        } else {
          files.add(Path.of(entry));
        }
      }
      Excerpts excerpts =
          Excerpts.cut(files, tokenizer::encode, capture.context(), capture.maxExcerpts());
      if (excerpts.count() == 0) {
        throw new PermanentException(
            "the corpus has no excerpt of "
                + capture.context()
                + " tokens (documents shorter than the context are skipped)");
      }
      return excerpts;
    } catch (CorpusException e) {
      throw new PermanentException("corpus: " + e.getMessage(), e);
    } finally {
      for (Path copy : copies) {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException e) {
          // a temporary file left behind; nothing depends on it
        }
      }
    }
  }

  /** A corpus file kept in the store, copied to a temporary file with the same extension. */
  private static Path copyOut(BlobStore store, String key) {
    byte[] bytes =
        store
            .get(key)
            .orElseThrow(() -> new PermanentException("corpus: no file " + key + " in the store"));
    String name = key.substring(key.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    try {
      Path copy = Files.createTempFile("corpus-", dot < 0 ? ".txt" : name.substring(dot));
      Files.write(copy, bytes);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Shard read(BlobStore store, String key) {
    byte[] bytes =
        store.get(key).orElseThrow(() -> new IllegalStateException("no corpus shard " + key));
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new PermanentException(key + " is not a corpus shard");
      }
      int context = in.readInt();
      int count = in.readInt();
      int[] ids = new int[count];
      int[][] tokens = new int[count][context];
      for (int i = 0; i < count; i++) {
        ids[i] = in.readInt();
        for (int t = 0; t < context; t++) {
          tokens[i][t] = in.readInt();
        }
      }
      return new Shard(ids, tokens);
    } catch (IOException e) {
      throw new PermanentException(key + " is truncated: " + e.getMessage(), e);
    }
  }

  /**
   * The excerpts as the capture code takes them: corpus-wide ids, with the shard's rows in place
   * (the random sample and tie-breaks key on those ids) and one shared placeholder elsewhere, which
   * a shard's capture never reads.
   */
  static Excerpts view(Manifest manifest, Shard shard) {
    int[][] rows = new int[manifest.excerpts()][];
    Arrays.fill(rows, new int[manifest.context()]);
    for (int i = 0; i < shard.ids().length; i++) {
      rows[shard.ids()[i]] = shard.tokens()[i];
    }
    return Excerpts.of(rows);
  }

  private static byte[] encode(int[] ids, Excerpts excerpts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(excerpts.context());
      out.writeInt(ids.length);
      for (int id : ids) {
        out.writeInt(id);
        for (int token : excerpts.tokens(id)) {
          out.writeInt(token);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
