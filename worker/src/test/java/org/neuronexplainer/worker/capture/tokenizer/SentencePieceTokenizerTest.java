package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Llama 2-shaped fixture (sentencepiece-bpe, see the README beside it). The normalizer turns
 * "Hello world" into "▁Hello▁world"; ids 3 + b are the byte tokens, 259.. the pieces and merges.
 */
class SentencePieceTokenizerTest {
  private static final HfTokenizer TOKENIZER =
      (HfTokenizer) SubjectTokenizer.load(TokenizerResources.sentencePiece());

  @AfterAll
  static void close() {
    TOKENIZER.close();
  }

  @Test
  void encodesByMergeRank() {
    // "▁Hello": "l l" (merge 4) -> "e ll" (5) -> "ell o" (6) -> "▁ H" (7) -> "▁H ello" (8) = 278.
    // "▁world": "o r" (9), "▁ w" (10), "▁w or" (11), "l d" (12), "▁wor ld" (13) = 283.
    int[] ids = TOKENIZER.encode("Hello world");
    assertThat(ids).containsExactly(278, 283);
    assertThat(TOKENIZER.tokenTexts(ids)).containsExactly(" Hello", " world");
    assertThat(TOKENIZER.tokenString(278)).isEqualTo("▁Hello");
    // A leading space is its own "▁" (259): no merge joins two of them.
    assertThat(TOKENIZER.encode(" the cat")).containsExactly(259, 273, 286);
  }

  @Test
  void addsNoSpecialTokensButKnowsTheBos() {
    assertThat(TOKENIZER.encode("Hello")).containsExactly(278);
    assertThat(TOKENIZER.bosId()).hasValue(1);
    assertThat(TOKENIZER.vocabSize()).isEqualTo(287);
  }

  @Test
  void charactersOutsideTheVocabularyFallBackToTheirBytes() {
    // é = C3 A9, 日 = E6 97 A5, 本 = E6 9C AC, 🙂 = F0 9F 99 82; byte b is id 3 + b.
    int[] ids = TOKENIZER.encode("héllo 日本 🙂");
    assertThat(ids)
        .containsExactly(
            259, 264, 198, 172, 274, 266, 259, 233, 154, 168, 233, 159, 175, 259, 243, 162, 156,
            133);
    assertThat(TOKENIZER.tokenTexts(ids))
        .containsExactly(
            " ", "h", "", "é", "ll", "o", " ", "", "", "日", "", "", "本", " ", "", "", "", "🙂");
    // Alone, a byte that is part of a character is no text.
    assertThat(TOKENIZER.tokenText(198)).isEqualTo("\uFFFD");
    assertThat(TOKENIZER.tokenText(3 + 'A')).isEqualTo("A");
  }

  @Test
  void matchesSpecialTokensWrittenInTheText() {
    // Each stretch between special tokens is normalized on its own, so "Hello" gets its "▁".
    int[] ids = TOKENIZER.encode("<s>Hello</s>");
    assertThat(ids).containsExactly(1, 278, 2);
    assertThat(TOKENIZER.tokenTexts(ids)).containsExactly("<s>", " Hello", "</s>");
    assertThat(TOKENIZER.libraryDecode(ids)).isEqualTo("<s> Hello</s>");
  }

  @Test
  void tokenTextsJoinToTheDecodedTextWithItsLeadingSpace() {
    for (String text :
        List.of(
            "Hello world",
            " the cat",
            "Zebras, 42 of them!\n\ttabbed",
            "naïve café — 日本語 🙂👍🏽",
            "trailing   ")) {
      int[] ids = TOKENIZER.encode(text);
      List<String> texts = TOKENIZER.tokenTexts(ids);
      assertThat(texts).hasSize(ids.length);
      // The library's decoder strips the one space the normalizer put in front; tokens keep it.
      assertThat(TOKENIZER.libraryDecode(ids)).isEqualTo(text);
      assertThat(String.join("", texts)).isEqualTo(" " + text);
      assertThat(TOKENIZER.decode(ids)).isEqualTo(" " + text);
    }
  }

  @Test
  void encodesLongTextsWhole() {
    // The library would truncate to a model length unless told not to.
    int[] ids = TOKENIZER.encode(" cat".repeat(3000).substring(1));
    assertThat(ids).hasSize(3000).containsOnly(286);
  }

  @Test
  void rejectsIdsOutsideTheVocabulary() {
    assertThatThrownBy(() -> TOKENIZER.tokenText(287))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("token id 287");
    assertThatThrownBy(() -> TOKENIZER.tokenTexts(new int[] {278, -1}))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("token id -1");
  }
}
