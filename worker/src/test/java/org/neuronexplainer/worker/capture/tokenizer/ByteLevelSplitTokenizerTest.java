package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Llama 3-shaped fixture (byte-level-split, see the README beside it): ids 0-255 are the bytes
 * in GPT-2's byte characters, 256.. one per merge.
 */
class ByteLevelSplitTokenizerTest {
  private static final SubjectTokenizer TOKENIZER =
      SubjectTokenizer.load(TokenizerResources.byteLevelSplit());

  @AfterAll
  static void close() {
    TOKENIZER.close();
  }

  @Test
  void isReadByTheLibraryNotAsGpt2() {
    assertThat(TOKENIZER).isInstanceOf(HfTokenizer.class);
    assertThat(TOKENIZER.vocabSize()).isEqualTo(273);
    assertThat(TOKENIZER.bosId()).hasValue(271);
  }

  @Test
  void encodesByMergeRank() {
    // "Hello": "H e" (0), "l l" (1), "He ll" (2), "Hell o" (3) = 259. " world" = "Ġworld" 264.
    int[] ids = TOKENIZER.encode("Hello world");
    assertThat(ids).containsExactly(259, 264);
    assertThat(TOKENIZER.tokenTexts(ids)).containsExactly("Hello", " world");
    assertThat(TOKENIZER.encode(" cat")).containsExactly(270);
  }

  @Test
  void splitsNumbersByItsOwnRegex() {
    // Llama 3's regex cuts "12345" into "123" and "45", so the "3 4" merge (rank 9), which GPT-2's
    // regex would let win, never applies; "1 2" (10) does. '3' '4' '5' are bytes 51-53.
    assertThat(TOKENIZER.encode("12345")).containsExactly(266, 51, 52, 53);
  }

  @Test
  void splitsMultiByteCharactersOverTokens() {
    // "Ã ©" is merge 11 (id 267), so é is one token; 日本 and 🙂 stay bytes (Ġ is byte 32).
    int[] ids = TOKENIZER.encode("é 日本 🙂");
    assertThat(ids).containsExactly(267, 32, 230, 151, 165, 230, 156, 172, 32, 240, 159, 153, 130);
    assertThat(TOKENIZER.tokenTexts(ids))
        .containsExactly("é", " ", "", "", "日", "", "", "本", " ", "", "", "", "🙂");
  }

  @Test
  void matchesSpecialTokensWrittenInTheText() {
    int[] ids = TOKENIZER.encode("<|begin_of_text|>Hello<|end_of_text|>");
    assertThat(ids).containsExactly(271, 259, 272);
    assertThat(TOKENIZER.tokenTexts(ids))
        .containsExactly("<|begin_of_text|>", "Hello", "<|end_of_text|>");
  }

  @Test
  void tokenTextsJoinToTheText() {
    for (String text :
        List.of(
            "Hello world",
            "  leading and trailing  \n\n\ttabs\r\n",
            "they'll We'VE 1990s 3.14159",
            "Ünïcödé русский 中文 emoji 🙂👍🏽",
            "")) {
      int[] ids = TOKENIZER.encode(text);
      assertThat(String.join("", TOKENIZER.tokenTexts(ids))).isEqualTo(text);
      assertThat(((HfTokenizer) TOKENIZER).libraryDecode(ids)).isEqualTo(text);
    }
  }
}
