package org.neuronexplainer.worker.capture.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small tokenizer shipped for tiny Llama-family checkpoints (smoke and test models): a
 * SentencePiece-style BPE in the Llama 2 / Mistral shape ({@code Metaspace} pre-tokenizer, byte
 * fallback, {@code <unk> <s> </s>} at 0-2, the 256 byte tokens at 3-258), its merges learned from a
 * few paragraphs of plain English, {@value #SENTENCEPIECE_VOCAB_SIZE} ids in all, so that a tiny
 * model's {@code vocab_size} can match it.
 */
public final class TinyTokenizers {
  /** The classpath resource of its tokenizer.json. */
  public static final String SENTENCEPIECE_RESOURCE =
      "/org/neuronexplainer/worker/capture/tokenizer/tiny-sentencepiece/tokenizer.json";

  /** One more than its largest id. */
  public static final int SENTENCEPIECE_VOCAB_SIZE = 512;

  private TinyTokenizers() {}

  /** Writes the tokenizer.json into a checkpoint directory. */
  public static void writeSentencePiece(Path directory) {
    try (InputStream in = TinyTokenizers.class.getResourceAsStream(SENTENCEPIECE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + SENTENCEPIECE_RESOURCE + " is missing");
      }
      Files.createDirectories(directory);
      Files.copy(in, directory.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tokenizer into " + directory, e);
    }
  }
}
