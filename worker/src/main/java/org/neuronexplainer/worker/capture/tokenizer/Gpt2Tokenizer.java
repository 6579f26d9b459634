package org.neuronexplainer.worker.capture.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's byte-level BPE tokenizer: text to token ids exactly as GPT-2 (and Hugging Face's
 * GPT2Tokenizer) does it, and token ids back to text with their leading spaces.
 *
 * <p>Decoding: a token is a run of bytes, and a multi-byte UTF-8 character may be split across
 * tokens. {@link #tokenText(int)} decodes one token alone, so such a fragment becomes U+FFFD (as
 * Hugging Face's {@code decode([id])} does). {@link #tokenTexts(int[])} decodes a sequence so that
 * joining its strings gives the text back: each character goes to the token holding its last byte,
 * and a token holding only the leading bytes of a character gets {@code ""}. Bytes that can never
 * form a character (a stray continuation byte, a character cut off at the end of the sequence)
 * become U+FFFD.
 */
public final class Gpt2Tokenizer implements SubjectTokenizer {
  private final Map<String, Integer> vocab;
  private final String[] tokens;
  private final BytePairMerger merger;
  private final List<String> specialTokens;

  /**
   * @param vocab byte-level token string to id
   * @param merges merge pairs, highest priority first
   * @param specialTokens tokens matched literally in text before pre-tokenization (e.g. {@code
   *     <|endoftext|>}); each must be in the vocabulary
   */
  public Gpt2Tokenizer(
      Map<String, Integer> vocab, List<String[]> merges, List<String> specialTokens) {
    this.vocab = Map.copyOf(vocab);
    int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    this.tokens = new String[size];
    vocab.forEach((token, id) -> tokens[id] = token);
    for (int b = 0; b < 256; b++) {
      String single = String.valueOf(ByteUnicode.charOf((byte) b));
      if (!vocab.containsKey(single)) {
        throw new TokenizerException(
            "the vocabulary lacks the byte token "
                + single
                + " (byte "
                + b
                + "): not byte-level BPE");
      }
    }
    Map<String, Integer> ranks = new HashMap<>();
    for (String[] pair : merges) {
      if (!vocab.containsKey(pair[0] + pair[1])) {
        throw new TokenizerException(
            "merge \"" + pair[0] + " " + pair[1] + "\" makes a token missing from the vocabulary");
      }
      ranks.putIfAbsent(pair[0] + " " + pair[1], ranks.size());
    }
    this.merger = new BytePairMerger(ranks);
    for (String special : specialTokens) {
      if (!vocab.containsKey(special)) {
        throw new TokenizerException("special token " + special + " is not in the vocabulary");
      }
    }
    // Longest first, so that a special token that contains another one wins.
    this.specialTokens =
        specialTokens.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  /** Reads {@code tokenizer.json}, or else {@code vocab.json} and {@code merges.txt}, in a dir. */
  public static Gpt2Tokenizer load(Path directory) {
    return TokenizerFiles.loadGpt2(directory);
  }

  /** One more than the largest token id. */
  @Override
  public int vocabSize() {
    return tokens.length;
  }

  @Override
  public int[] encode(String text) {
    List<Integer> ids = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nextAt = text.length();
      String next = null;
      for (String special : specialTokens) {
        int at = text.indexOf(special, start);
        if (at >= 0 && at < nextAt) {
          nextAt = at;
          next = special;
        }
      }
      encodeOrdinary(text.substring(start, nextAt), ids);
      if (next == null) {
        break;
      }
      ids.add(vocab.get(next));
      start = nextAt + next.length();
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  private void encodeOrdinary(String text, List<Integer> ids) {
    for (String piece : PreTokenizer.split(text)) {
      String word = ByteUnicode.encode(piece.getBytes(StandardCharsets.UTF_8));
      for (String symbol : merger.merge(word)) {
        Integer id = vocab.get(symbol);
        if (id == null) {
          throw new TokenizerException(
              "BPE produced " + symbol + ", which is not in the vocabulary");
        }
        ids.add(id);
      }
    }
  }

  /** The token's string as stored in the vocabulary (byte-level, e.g. {@code "Ġcat"}). */
  public String tokenString(int id) {
    checkId(id);
    return tokens[id];
  }

  /** The token's bytes; a special token's are its UTF-8 text. */
  @Override
  public byte[] tokenBytes(int id) {
    checkId(id);
    byte[] bytes = ByteUnicode.decode(tokens[id]);
    return bytes != null ? bytes : tokens[id].getBytes(StandardCharsets.UTF_8);
  }

  /** The text of a sequence of tokens. */
  @Override
  public String decode(int[] ids) {
    return String.join("", tokenTexts(ids));
  }

  private void checkId(int id) {
    if (id < 0 || id >= tokens.length || tokens[id] == null) {
      throw new TokenizerException(
          "token id " + id + " is not in the vocabulary (0.." + (tokens.length - 1) + ")");
    }
  }
}
