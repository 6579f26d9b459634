package org.neuronexplainer.cli.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import picocli.CommandLine;

/** {@code tokenize} on a tokenizer.json that is not GPT-2's: the Llama 2-shaped worker fixture. */
class TokenizeCommandTest {
  private static final String SENTENCEPIECE =
      "/org/neuronexplainer/worker/capture/tokenizer/sentencepiece-bpe/tokenizer.json";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void tokenizesWithAnyHuggingFaceTokenizer() throws Exception {
    try (InputStream in = TokenizeCommandTest.class.getResourceAsStream(SENTENCEPIECE)) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    int code = run("tokenize", "--model", dir.toString(), "--json", "Hello world", "<s>héllo");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    // See the fixture's test in the worker (SentencePieceTokenizerTest) for how the ids follow.
    assertThat(json.get(0).path("ids").toString()).isEqualTo("[278,283]");
    assertThat(json.get(0).path("tokens").toString()).isEqualTo("[\" Hello\",\" world\"]");
    assertThat(json.get(1).path("ids").toString()).isEqualTo("[1,259,264,198,172,274,266]");
    assertThat(json.get(1).path("tokens").toString())
        .isEqualTo("[\"<s>\",\" \",\"h\",\"\",\"é\",\"ll\",\"o\"]");
  }

  @Test
  void aTokenizerJsonTheLibraryCannotReadIsAUserError() throws Exception {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Mystery\"}}");
    int code = run("tokenize", "--model", dir.toString(), "x");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains(dir.resolve("tokenizer.json").toString(), "Mystery");
  }

  @Test
  void helpSaysAnyTokenizerJsonWorks() {
    assertThat(run("tokenize", "--help")).isZero();
    assertThat(out.toString()).contains("any other Hugging Face tokenizer.json");
  }

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
