package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import picocli.CommandLine;

/**
 * {@code run} checks its flags and paths before it starts anything: a mistake is one line and exit
 * code 2 at once, with no broker, no coordinator and nothing written under the home directory.
 */
@Timeout(20)
class RunArgumentsTest {

  @TempDir Path home;
  @TempDir Path dir;

  private String userHome;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void pointHomeAtATemporaryDirectory() {
    userHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
  }

  @AfterEach
  void restoreHome() {
    System.setProperty("user.home", userHome);
  }

  private int execute(String... args) {
    err.getBuffer().setLength(0);
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  /** Nothing of the run's machinery was started: no broker data, no store under the home. */
  private void assertNothingStarted() {
    assertThat(home.resolve(".neuron-explainer")).doesNotExist();
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("NEURON_EXPLAINER_DEBUG");
  }

  @Test
  void aBadNeuronSelectionFailsAtOnceWithCapturesMessage() {
    String expected = "--neurons: 'abc' is not an index or a range like 0-9 (in 'abc')";

    assertThat(execute("run", "--neurons", "abc")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("run: " + expected);
    assertNothingStarted();

    assertThat(execute("capture", "--out", dir.toString(), "--neurons", "abc")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("capture: " + expected);

    assertThat(execute("run", "--capture", "--layers", "0-x")).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("run: --layers: '0-x' is not an index or a range like 0-9 (in '0-x')");
    assertNothingStarted();
  }

  @Test
  void aHostThatIsNoAddressFailsAtOnce() {
    assertThat(execute("run", "--host", "0.0.0.0:8080")).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("run: --host is '0.0.0.0:8080': expected an address to listen on");
    assertNothingStarted();
  }

  @Test
  void aMissingStoreIsNamedAsAMissingDirectory() {
    Path missing = dir.resolve("nonexistent");

    assertThat(execute("run", "--store", missing.toString())).isEqualTo(2);

    assertThat(err.toString().strip())
        .isEqualTo(
            "run: --store "
                + missing
                + ": no such directory (a run without --capture reads the NeuronRecords of an"
                + " existing store)");
    assertThat(missing).doesNotExist();
    assertNothingStarted();
  }

  @Test
  void aFileGivenAsTheStoreIsNamedAsNotADirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("store.txt"), "not a store");

    assertThat(execute("run", "--store", file.toString())).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("run: --store " + file + ": is a file, not a directory");
    assertNothingStarted();

    assertThat(execute("run", "--capture", "--store", file.toString())).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("run: --store " + file + ": is a file, not a directory");
    assertNothingStarted();
  }

  @Test
  void aCaptureRunsNewStoreNeedsAParentToBeCreatedIn() throws Exception {
    Path orphan = dir.resolve("no-such-parent").resolve("store");

    assertThat(execute("run", "--capture", "--store", orphan.toString())).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "run: --store "
                + orphan
                + ": cannot be created: no such directory "
                + dir.resolve("no-such-parent"));
    assertNothingStarted();

    Path file = Files.writeString(dir.resolve("file"), "x");
    Path underFile = file.resolve("store");
    assertThat(execute("run", "--capture", "--store", underFile.toString())).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "run: --store "
                + underFile
                + ": cannot be created: "
                + file
                + " is a file, not a directory");
    assertNothingStarted();
  }

  @Test
  void aCaptureRunMayNameANewStoreAndAStoreRunAnExistingOne() throws Exception {
    Path fresh = dir.resolve("fresh-store");
    assertThatCode(() -> StoreDirectory.check(fresh, true)).doesNotThrowAnyException();
    assertThat(fresh).doesNotExist();

    Path existing = Files.createDirectory(dir.resolve("store"));
    assertThatCode(() -> StoreDirectory.check(existing, false)).doesNotThrowAnyException();
    assertThatCode(() -> StoreDirectory.check(existing, true)).doesNotThrowAnyException();
  }

  @Test
  void aFileGivenAsTheBrokerDirectoryIsRefusedBeforeItStarts() throws Exception {
    Path file = Files.writeString(dir.resolve("kafka"), "x");
    Path store = Files.createDirectory(dir.resolve("store"));

    assertThat(execute("run", "--store", store.toString(), "--data-dir", file.toString()))
        .isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("run: --data-dir " + file + ": not a directory");
    assertNothingStarted();
  }

  @Test
  void aStoreWithoutMatchingNeuronRecordsIsNamedBeforeAnythingStarts() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty-store"));

    assertThat(execute("run", "--store", empty.toString())).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("run: --store " + empty + ": ")
        .contains("no NeuronRecords");
    assertNothingStarted();

    Path store = Files.createDirectory(dir.resolve("store"));
    SyntheticNeurons.write(new LocalDirectoryStore(store), 4);
    assertThat(execute("run", "--store", store.toString(), "--layers", "7")).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("run: --store " + store + ": ");
    assertNothingStarted();
  }
}
