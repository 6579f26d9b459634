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
    assertThat(out.toString())
        .contains("--store=STORE", "--port=PORT", "gpt2_small_data", "saes/NAME/");
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
  void aHostThatIsNoAddressOrNotThisMachinesIsNamedBeforeAnyStoreIsOpened(@TempDir Path dir) {
    // The store does not exist: the host is refused first, so nothing was opened.
    String store = dir.resolve("nope").toString();
    assertThat(run("serve", "--store", store, "--host", "0.0.0.0:8080")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "serve: --host is '0.0.0.0:8080': expected an address to listen on, such as 127.0.0.1"
                + " (this machine only) or 0.0.0.0 (every interface), without a port"
                + System.lineSeparator());

    err.getBuffer().setLength(0);
    // Reserved for documentation (RFC 5737): no machine has it.
    assertThat(run("serve", "--store", store, "--host", "192.0.2.7")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "serve: --host is '192.0.2.7': expected an address of this machine to listen on"
                + " (192.0.2.7 is not on any of its interfaces)"
                + System.lineSeparator());

    err.getBuffer().setLength(0);
    assertThat(run("serve", "--store", store, "--host", "viewer.invalid")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "serve: --host is 'viewer.invalid': expected an address of this machine to listen on"
                + " (the name does not resolve)"
                + System.lineSeparator());
  }

  @Test
  void theSameHostIsRefusedByRunWithTheSameWords() {
    assertThat(run("run", "--host", "192.0.2.7")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "run: --host is '192.0.2.7': expected an address of this machine to listen on"
                + " (192.0.2.7 is not on any of its interfaces)"
                + System.lineSeparator());
  }

  @Test
  void aModelDimsMistakeIsNamedBeforeAnyStoreIsOpened(@TempDir Path dir) {
    String store = dir.resolve("nope").toString();
    assertThat(run("serve", "--store", store, "--model-dims", "48")).isEqualTo(2);
    assertThat(err.toString()).contains("--model-dims: expected LAYERSxNEURONS");
  }

  @Test
  void parsesModelDims() {
    assertThat(ServeCommand.parseDims("48x6400")).isEqualTo(ModelDims.GPT2_XL);
    assertThatThrownBy(() -> ServeCommand.parseDims("48")).hasMessageContaining("LAYERSxNEURONS");
    assertThatThrownBy(() -> ServeCommand.parseDims("0x5")).hasMessageContaining("LAYERSxNEURONS");
  }
}
