package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.neuronexplainer.worker.capture.Fixtures;

/**
 * The library reads GPT-2's own tokenizer.json (the fixture's 512 tokens, written out in full) and
 * encodes the reference texts as Hugging Face's GPT2Tokenizer and the project's {@link
 * Gpt2Tokenizer} do: proof that {@link HfTokenizer} is wired to it right.
 */
class HfTokenizerGpt2ParityTest {
  private static Path dir;
  private static Gpt2Tokenizer gpt2;
  private static HfTokenizer library;

  @BeforeAll
  static void writeTokenizerJson() throws IOException {
    dir = Files.createTempDirectory("gpt2-tokenizer-json");
    TokenizerJsonFixture.writeComplete(Fixtures.hfGpt2Reference(), dir.resolve("tokenizer.json"));
    library = HfTokenizer.load(dir.resolve("tokenizer.json"));
    gpt2 = Gpt2Tokenizer.load(dir);
  }

  @AfterAll
  static void close() throws IOException {
    library.close();
    Files.delete(dir.resolve("tokenizer.json"));
    Files.delete(dir);
  }

  static Stream<Arguments> cases() throws IOException {
    return HuggingFaceTokenizerReferenceTest.cases();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void encodesAsGpt2AndHuggingFaceDo(String text, JsonNode expected) {
    int[] ids = library.encode(text);
    assertThat(ids).containsExactly(gpt2.encode(text));
    List<Integer> reference = new ArrayList<>();
    expected.path("ids").forEach(id -> reference.add(id.asInt()));
    assertThat(ids).containsExactly(reference.stream().mapToInt(Integer::intValue).toArray());
    assertThat(library.tokenTexts(ids)).containsExactlyElementsOf(gpt2.tokenTexts(ids));
    assertThat(library.libraryDecode(ids)).isEqualTo(text);
  }

  @Test
  void agreesOnSpecialTokensAndSize() {
    String text = "the cat<|endoftext|> sat";
    assertThat(library.encode(text)).containsExactly(gpt2.encode(text)).contains(512);
    assertThat(library.vocabSize()).isEqualTo(gpt2.vocabSize()).isEqualTo(513);
    assertThat(library.tokenText(512)).isEqualTo("<|endoftext|>");
    assertThat(library.bosId()).isEmpty();
  }

  @Test
  void aDirectoryWithGpt2sTokenizerJsonStillGetsGpt2Tokenizer() {
    assertThat(SubjectTokenizer.load(dir)).isInstanceOf(Gpt2Tokenizer.class);
  }
}
