package org.neuronexplainer.cli.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.coordinator.viewer.ModelDims;
import picocli.CommandLine;

class ServeCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void helpNamesTheStoreKindsInShortLines() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--store=STORE", "--port=PORT", "gpt2_small_data");
    assertThat(out.toString().lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void aStoreThatIsNotThereIsAUserError(@TempDir Path dir) {
    assertThat(run("serve", "--store", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--store: store directory does not exist");
    assertThat(run("serve", "--store", dir.toString(), "--store", "s3://bucket/x")).isEqualTo(2);
    assertThat(err.toString()).contains("unsupported store scheme 's3'");
  }

  @Test
  void aStoreThatIsAFileIsNamedAsOne(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("store.txt"), "x");
    assertThat(run("serve", "--store", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "serve: --store: store "
                + file
                + " is a file, not a directory"
                + System.lineSeparator());
  }

  @Test
  void parsesModelDims() {
    assertThat(ServeCommand.parseDims("48x6400")).isEqualTo(ModelDims.GPT2_XL);
    assertThatThrownBy(() -> ServeCommand.parseDims("48")).hasMessageContaining("LAYERSxNEURONS");
    assertThatThrownBy(() -> ServeCommand.parseDims("0x5")).hasMessageContaining("LAYERSxNEURONS");
  }
}
