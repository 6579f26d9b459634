package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.worker.capture.Fixtures;

/**
 * Encodings checked by hand against the fixture's vocab.json and merges.txt (the first 512 GPT-2
 * tokens and first 256 merges); the comments give the merge ranks that decide each case.
 */
class Gpt2TokenizerTest {
  private static final Gpt2Tokenizer TOKENIZER = Gpt2Tokenizer.load(Fixtures.hfGpt2Reference());

  @Test
  void encodesASentenceByMergeRank() {
    // "the": "h e" (rank 2) beats "t h" (144), and there is no "t he" merge -> t, he.
    // " cat": "a t" (9) then "Ġ c" (13) -> Ġc, at. " sat": "Ġ s" (8), then "a t" (9) -> Ġs, at.
    // " on": "o n" (5) then "Ġ on" (63). " the": "Ġ t" (0), "h e" (2), "Ġt he" (6) -> Ġthe.
    int[] ids = TOKENIZER.encode("the cat sat on the mat.");
    assertThat(ids).containsExactly(83, 258, 269, 265, 264, 265, 319, 262, 285, 265, 13);
    assertThat(TOKENIZER.tokenTexts(ids))
        .containsExactly("t", "he", " c", "at", " s", "at", " on", " the", " m", "at", ".");
  }

  @Test
  void encodesCapitalsAndPunctuation() {
    // "Hello": only "l l" (41) applies -> H, e, ll, o. " world": "Ġ w" (10), "o r" (17),
    // "Ġw or" (220), "l d" (79) -> Ġwor, ld.
    assertThat(TOKENIZER.encode("Hello world!")).containsExactly(39, 68, 297, 78, 476, 335, 0);
  }

  @Test
  void splitsContractionsNumbersAndWhitespaceLikeGpt2() {
    // Pieces: "it", "'s", " " (the space before a word stays alone), " 12", "\n".
    int[] ids = TOKENIZER.encode("it's  12\n");
    assertThat(ids).containsExactly(270, 338, 220, 352, 17, 198);
    assertThat(TOKENIZER.tokenTexts(ids)).containsExactly("it", "'s", " ", " 1", "2", "\n");
  }

  @Test
  void aCharacterSplitAcrossTokensGoesToTheTokenThatCompletesIt() {
    // é is C3 A9; this vocabulary has no merge for it, so each byte is its own token.
    int[] ids = TOKENIZER.encode(" café");
    assertThat(ids).containsExactly(269, 64, 69, 127, 102);
    assertThat(TOKENIZER.tokenTexts(ids)).containsExactly(" c", "a", "f", "", "é");
    assertThat(TOKENIZER.tokenText(127)).isEqualTo("\uFFFD");
    assertThat(TOKENIZER.decode(ids)).isEqualTo(" café");
  }

  @Test
  void brokenBytesAtTheEdgesOfASequenceBecomeReplacementCharacters() {
    int[] ids = TOKENIZER.encode("é");
    assertThat(TOKENIZER.tokenTexts(Arrays.copyOf(ids, 1))).containsExactly("\uFFFD");
    assertThat(TOKENIZER.tokenTexts(Arrays.copyOfRange(ids, 1, 2))).containsExactly("\uFFFD");
  }

  @Test
  void joiningTokenTextsGivesTheTextBack() {
    for (String text :
        List.of(
            "Plain ASCII, with punctuation: (a+b)*c = 42; 'quoted' \"text\".",
            "  leading and trailing spaces  \n\ttabs\r\n",
            "Ünïcödé ΕΛΛΗΝΙΚΆ русский 中文 日本語 한국어 emoji 🙂👍🏽",
            "numbers 3.14159 and 1,000,000",
            "they'll we've I'm you'd she's don't")) {
      int[] ids = TOKENIZER.encode(text);
      assertThat(String.join("", TOKENIZER.tokenTexts(ids))).isEqualTo(text);
      assertThat(TOKENIZER.tokenTexts(ids)).hasSize(ids.length);
    }
  }

  @Test
  void tokenizerJsonGivesTheSameTokenizer(@TempDir Path dir) throws Exception {
    TokenizerJsonFixture.write(Fixtures.hfGpt2Reference(), dir.resolve("tokenizer.json"), true);
    Gpt2Tokenizer fromJson = Gpt2Tokenizer.load(dir);
    String text = "the cat sat on the mat. Hello world! it's  12\n café <|endoftext|>x";
    assertThat(fromJson.encode(text)).endsWith(512, 87);
    int[] withoutSpecial = fromJson.encode(text.replace("<|endoftext|>x", ""));
    assertThat(withoutSpecial)
        .containsExactly(TOKENIZER.encode(text.replace("<|endoftext|>x", "")));
    assertThat(fromJson.tokenText(512)).isEqualTo("<|endoftext|>");
  }

  @Test
  void olderTokenizerJsonWithStringMergesReadsToo(@TempDir Path dir) throws Exception {
    TokenizerJsonFixture.write(Fixtures.hfGpt2Reference(), dir.resolve("tokenizer.json"), false);
    assertThat(Gpt2Tokenizer.load(dir).encode("the cat")).containsExactly(83, 258, 269, 265);
  }

  @Test
  void rejectsUnknownIdsAndMissingFiles(@TempDir Path dir) {
    assertThatThrownBy(() -> TOKENIZER.tokenText(512))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("token id 512");
    assertThatThrownBy(() -> Gpt2Tokenizer.load(dir))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("tokenizer.json, or vocab.json and merges.txt");
  }
}
