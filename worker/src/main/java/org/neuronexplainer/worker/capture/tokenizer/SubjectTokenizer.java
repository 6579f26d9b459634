package org.neuronexplainer.worker.capture.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A subject model's tokenizer: text to token ids as the model was trained on them, and ids back to
 * the token texts records show. Some hold native memory ({@link HfTokenizer}): whoever loads one
 * closes it.
 */
public interface SubjectTokenizer extends AutoCloseable {

  /**
   * The tokenizer of a checkpoint directory: GPT-2's byte-level BPE ({@link Gpt2Tokenizer}) for
   * GPT-2's files, else any Hugging Face {@code tokenizer.json} through the tokenizers library
   * ({@link HfTokenizer}).
   *
   * @throws TokenizerException naming the directory and what is missing or unreadable
   */
  static SubjectTokenizer load(Path directory) {
    return TokenizerFiles.load(directory);
  }

  /** One more than the largest token id. */
  int vocabSize();

  /**
   * The id of the special token this tokenizer's model expects at the start of a sequence (e.g.
   * Llama's {@code <s>}), if its tokenizer adds one; GPT-2's adds none. {@link #encode} never adds
   * it.
   */
  default OptionalInt bosId() {
    return OptionalInt.empty();
  }

  /** The ids of {@code text}, without any special tokens the tokenizer would add around it. */
  int[] encode(String text);

  /** The bytes the token stands for (of a special token, its UTF-8 text). */
  byte[] tokenBytes(int id);

  /** One token decoded alone, e.g. {@code " cat"}; a partial character becomes U+FFFD. */
  default String tokenText(int id) {
    return new String(tokenBytes(id), StandardCharsets.UTF_8);
  }

  /**
   * The texts of a sequence's tokens, which join to the decoded sequence: a character split over
   * tokens goes to the token that completes it.
   */
  default List<String> tokenTexts(int[] ids) {
    return Utf8Splitter.tokenTexts(ids, this::tokenBytes);
  }

  /** The text of a sequence of tokens. */
  default String decode(int[] ids) {
    return String.join("", tokenTexts(ids));
  }

  /** Frees what the tokenizer holds outside the heap; nothing for one that holds nothing. */
  @Override
  default void close() {}
}
