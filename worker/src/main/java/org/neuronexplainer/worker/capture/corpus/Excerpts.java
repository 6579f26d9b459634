package org.neuronexplainer.worker.capture.corpus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The corpus cut into excerpts of a fixed number of tokens (docs/method.md 2.1: the paper used 64).
 *
 * <p>Each document is tokenized on its own and cut into consecutive, non-overlapping windows of
 * {@code context} tokens; a document's last window shorter than that is dropped, so every excerpt
 * is real text from one document and no excerpt needs padding (all excerpts of a batch then have
 * the same length, and no document's end bleeds into another's start). Excerpt ids number the
 * windows in corpus order (files as given, documents in file order) from 0, and stop at {@code
 * maxExcerpts}. The ids are what sharding, sampling and tie-breaking use, so they depend only on
 * the corpus, the tokenizer and these two settings.
 */
public final class Excerpts {
  /** Excerpts are handed to shards in blocks of this many consecutive ids (see {@link #shard}). */
  public static final int BLOCK = 64;

  private final int context;
  private final int[][] tokens;

  private Excerpts(int context, int[][] tokens) {
    this.context = context;
    this.tokens = tokens;
  }

  /** Reads, tokenizes and cuts the corpus. */
  public static Excerpts cut(
      List<Path> files, Function<String, int[]> tokenizer, int context, int maxExcerpts) {
    if (context < 1) {
      throw new IllegalArgumentException("context must be at least 1 token: " + context);
    }
    List<int[]> excerpts = new ArrayList<>();
    int limit = maxExcerpts <= 0 ? Integer.MAX_VALUE : maxExcerpts;
    try {
      CorpusReader.read(
          files,
          text -> {
            if (excerpts.size() >= limit) {
              throw new Full();
            }
            int[] ids = tokenizer.apply(text);
            for (int start = 0; start + context <= ids.length; start += context) {
              if (excerpts.size() >= limit) {
                throw new Full();
              }
              int[] window = new int[context];
              System.arraycopy(ids, start, window, 0, context);
              excerpts.add(window);
            }
          });
    } catch (Full full) {
      // Reading stops once the cap is reached.
    }
    return new Excerpts(context, excerpts.toArray(new int[0][]));
  }

  /** Excerpts given directly, e.g. in tests and benchmarks; every row must have one length. */
  public static Excerpts of(int[][] tokens) {
    int context = tokens.length == 0 ? 0 : tokens[0].length;
    for (int[] row : tokens) {
      if (row.length != context) {
        throw new IllegalArgumentException("excerpts must all have " + context + " tokens");
      }
    }
    return new Excerpts(context, tokens.clone());
  }

  public int context() {
    return context;
  }

  public int count() {
    return tokens.length;
  }

  /** The token ids of excerpt {@code id}; the array itself, not a copy. */
  public int[] tokens(int id) {
    return tokens[id];
  }

  /**
   * The excerpt ids of shard {@code index} of {@code count}: blocks of {@link #BLOCK} consecutive
   * ids dealt round-robin, so that shards are balanced and, with a batch size dividing the block,
   * every batch holds the same excerpts as in a single pass.
   */
  public int[] shard(int index, int count) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist");
    }
    List<Integer> ids = new ArrayList<>();
    for (int id = 0; id < tokens.length; id++) {
      if ((id / BLOCK) % count == index) {
        ids.add(id);
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Thrown to stop reading at the cap; carries no stack trace. */
  private static final class Full extends RuntimeException {
    Full() {
      super(null, null, false, false);
    }
  }
}
