package org.neuronexplainer.worker.capture.tokenizer;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.Utils;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Any Hugging Face {@code tokenizer.json} (Llama, Mistral, Qwen 2 and the like), encoded by the
 * tokenizers library itself through DJL ({@code ai.djl.huggingface:tokenizers}), whose native
 * library ships in its jar.
 *
 * <p>{@link #encode} adds no special tokens (no BOS, no EOS): capture cuts excerpts out of a token
 * stream. A special token written in the text is still matched as that token.
 *
 * <p>Token texts: each token's bytes follow from the file's decoder ({@link PieceDecoder}:
 * byte-level tokens as GPT-2's, SentencePiece's {@code "▁"} as a space and {@code <0xNN>} as a
 * byte), and a character whose bytes are split over tokens goes to the token that completes it, as
 * in {@link Gpt2Tokenizer}. A token keeps its leading space, so the texts of a SentencePiece
 * sequence join to the library's decoding with the one leading space its decoder strips put back.
 * Where the decoder is of another kind, a token's text is the library's decoding of it alone.
 *
 * <p>The library's tokenizer holds native memory: its owner closes this when done, and not while
 * another thread still encodes with it.
 */
public final class HfTokenizer implements SubjectTokenizer {
  /**
   * Whole texts, as given: no special tokens added, no truncation to a model length, no padding.
   */
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final Path file;
  private final HuggingFaceTokenizer library;
  private final String[] tokens;
  private final OptionalInt bos;
  private final Optional<PieceDecoder> pieces;

  private HfTokenizer(
      Path file, HuggingFaceTokenizer library, HfVocabulary vocabulary, JsonNode decoder) {
    this.file = file;
    this.library = library;
    this.tokens = vocabulary.tokens();
    this.bos = vocabulary.bos();
    this.pieces = PieceDecoder.of(decoder);
  }

  /**
   * Reads a {@code tokenizer.json}.
   *
   * @throws TokenizerException naming the file and why the library cannot read it, or saying that
   *     the library's native part cannot load here
   */
  public static HfTokenizer load(Path file) {
    return open(file, TokenizerFiles.readJson(file));
  }

  static HfTokenizer open(Path file, JsonNode root) {
    HfVocabulary vocabulary = HfVocabulary.read(root, file);
    HuggingFaceTokenizer library;
    try (InputStream in = Files.newInputStream(file)) {
      library = HuggingFaceTokenizer.newInstance(in, OPTIONS);
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (EngineException | LinkageError e) {
      throw new TokenizerException(nativeLibraryMissing(e), e);
    } catch (RuntimeException e) {
      throw new TokenizerException(
          file + ": the tokenizers library cannot read it: " + e.getMessage(), e);
    }
    return new HfTokenizer(file, library, vocabulary, root.path("decoder"));
  }

  /** What to do when libtokenizers does not load, in plain words. */
  static String nativeLibraryMissing(Throwable e) {
    StringBuilder causes = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      causes.append(causes.isEmpty() ? "" : ": ").append(t.getMessage());
    }
    return "the Hugging Face tokenizers library (libtokenizers, needed for tokenizer.json files"
        + " other than GPT-2's) cannot load on "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + " ("
        + causes
        + "). It ships inside the ai.djl.huggingface:tokenizers jar for linux-x86_64,"
        + " linux-aarch64, osx-aarch64 and win-x86_64, and is unpacked on first use into "
        + Utils.getEngineCacheDir("tokenizers")
        + ", which must be writable: set DJL_CACHE_DIR to a writable folder, or run on one of"
        + " those platforms";
  }

  /** One more than the largest id, the model's vocabulary and the added tokens together. */
  @Override
  public int vocabSize() {
    return tokens.length;
  }

  /** The id of the token the tokenizer would put before a sequence (e.g. {@code <s>}), if any. */
  @Override
  public OptionalInt bosId() {
    return bos;
  }

  @Override
  public int[] encode(String text) {
    long[] ids = open().encode(text, false, false).getIds();
    int[] result = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      result[i] = Math.toIntExact(ids[i]);
    }
    return result;
  }

  /** The token's string as the vocabulary has it (e.g. {@code "▁cat"} or {@code "Ġcat"}). */
  public String tokenString(int id) {
    checkId(id);
    return tokens[id];
  }

  /** The bytes the token stands for (see the class doc). */
  @Override
  public byte[] tokenBytes(int id) {
    checkId(id);
    if (pieces.isPresent()) {
      return pieces.get().bytes(tokens[id]);
    }
    return open().decode(new long[] {id}, false).getBytes(StandardCharsets.UTF_8);
  }

  /** The library's own decoding of a sequence, special tokens kept (its decoder steps all run). */
  public String libraryDecode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      checkId(ids[i]);
      longs[i] = ids[i];
    }
    return open().decode(longs, false);
  }

  @Override
  public void close() {
    library.close();
  }

  /** The library's tokenizer, unless this was closed (its native memory is gone then). */
  private HuggingFaceTokenizer open() {
    if (library.isReleased()) {
      throw new TokenizerException("the tokenizer of " + file + " is closed");
    }
    return library;
  }

  private void checkId(int id) {
    if (id < 0 || id >= tokens.length || tokens[id] == null) {
      throw new TokenizerException(
          "token id " + id + " is not in the vocabulary (0.." + (tokens.length - 1) + ")");
    }
  }
}
