package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer shipped for tiny Llama-family checkpoints reads and round-trips any text. */
class TinyTokenizersTest {

  @Test
  void aCheckpointWithTheTinySentencePieceTokenizerReadsIt(@TempDir Path dir) {
    TinyTokenizers.writeSentencePiece(dir);
    try (HfTokenizer tokenizer = (HfTokenizer) SubjectTokenizer.load(dir)) {
      assertThat(tokenizer.vocabSize()).isEqualTo(TinyTokenizers.SENTENCEPIECE_VOCAB_SIZE);
      assertThat(tokenizer.bosId()).hasValue(1);
      // "▁the" is one of its merges; a word it never saw falls apart into pieces and bytes.
      assertThat(tokenizer.encode("the")).hasSize(1);
      for (String text :
          new String[] {
            "The model reads a sentence, one token at a time.",
            "Zürich, 東京 and 🙂: 12345 × 7\n\tnew line",
          }) {
        int[] ids = tokenizer.encode(text);
        // No <unk>, <s> or </s>: every character has a piece or its bytes.
        assertThat(IntStream.of(ids).boxed().toList())
            .allMatch(id -> id >= 3 && id < TinyTokenizers.SENTENCEPIECE_VOCAB_SIZE);
        assertThat(tokenizer.libraryDecode(ids)).isEqualTo(text);
        assertThat(tokenizer.decode(ids)).isEqualTo(" " + text);
      }
    }
  }
}
