package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.worker.capture.Fixtures;

/** Which tokenizer a checkpoint directory gets, and the errors for files that cannot be read. */
class TokenizerFilesTest {

  @Test
  void gpt2sVocabAndMergesGetGpt2Tokenizer() {
    assertThat(SubjectTokenizer.load(Fixtures.hfGpt2Reference())).isInstanceOf(Gpt2Tokenizer.class);
  }

  @Test
  void aByteLevelTokenizerWithAPrefixSpaceGoesToTheLibrary(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    TokenizerJsonFixture.writeComplete(Fixtures.hfGpt2Reference(), file);
    Files.writeString(
        file,
        Files.readString(file)
            .replaceFirst("\"add_prefix_space\":false", "\"add_prefix_space\":true"));
    try (SubjectTokenizer tokenizer = SubjectTokenizer.load(dir)) {
      assertThat(tokenizer).isInstanceOf(HfTokenizer.class);
      // With the prefix space "the" is encoded as " the" ("Ġthe", 262).
      assertThat(tokenizer.encode("the")).containsExactly(262);
    }
  }

  @Test
  void aTokenizerJsonTheLibraryCannotReadIsNamedWithTheReason(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(
        file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": 3}}");
    assertThatThrownBy(() -> SubjectTokenizer.load(dir))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("the tokenizers library cannot read it")
        .hasMessageContaining("MergeType at line 1");
  }

  @Test
  void anUnknownModelTypeIsNamedWithTheReason(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, "{\"model\": {\"type\": \"Mystery\", \"vocab\": {\"a\": 0}}}");
    assertThatThrownBy(() -> SubjectTokenizer.load(dir))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("model type Mystery is none of the library's [BPE, Unigram");
  }

  @Test
  void brokenJsonAndAMissingVocabularyAreNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, "{\"model\": ");
    assertThatThrownBy(() -> SubjectTokenizer.load(dir))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("cannot read " + file);
    Files.writeString(file, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
    assertThatThrownBy(() -> SubjectTokenizer.load(dir))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining(file + ": no vocabulary");
  }
}
