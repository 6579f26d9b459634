package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.capture.Checkpoints;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint;
import org.neuronexplainer.worker.capture.SaeFixture;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
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
  void aCaptureOfABrokenCheckpointOrAnSaeThatDoesNotFitFailsAtOnceNamingIt() throws Exception {
    Path model = dir.resolve("llama");
    new RandomLlamaCheckpoint(
            RandomLlamaCheckpoint.Variant.LLAMA,
            2,
            32,
            48,
            4,
            2,
            512,
            64,
            0.2,
            1,
            TensorDtype.F32,
            1)
        .write(model, Path.of("..").toAbsolutePath().resolve("examples/smoke-model"));
    Path corpus = Files.writeString(dir.resolve("c.txt"), "some text to cut into excerpts");
    String store = dir.resolve("store").toString();
    String[] capture = {"run", "--store", store, "--corpus", corpus.toString(), "--model"};

    Path config = model.resolve("config.json");
    String good = Files.readString(config);
    Files.writeString(
        config, good.replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3"));
    assertThat(execute(concat(capture, model.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("missing tensor model.layers.2.");
    Files.writeString(config, good.replace("LlamaForCausalLM", "GemmaForCausalLM"));
    assertThat(execute(concat(capture, model.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("GemmaForCausalLM");
    Files.writeString(config, good);

    SubjectConfig shape = Checkpoints.check(model);
    Path wide =
        SaeFixture.random("standard", "blocks.1.hook_resid_pre", shape, 8, 1)
            .write(dir.resolve("wide"));
    Files.writeString(
        wide.resolve("cfg.json"),
        Files.readString(wide.resolve("cfg.json")).replace("\"d_in\" : 32", "\"d_in\" : 64"));
    assertThat(execute(concat(capture, model.toString(), "--sae", wide.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("reads 64-wide activations (d_in)", "32 wide");
    Path late =
        SaeFixture.random("standard", "blocks.5.hook_mlp_out", shape, 8, 1)
            .write(dir.resolve("late"));
    assertThat(execute(concat(capture, model.toString(), "--sae", late.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("blocks.5.hook_mlp_out, but the model has layers 0..1");
    Path broken =
        SaeFixture.random("standard", "blocks.1.hook_resid_pre", shape, 8, 1)
            .write(dir.resolve("broken"));
    Files.writeString(broken.resolve("sae_weights.safetensors"), "not safetensors");
    assertThat(execute(concat(capture, model.toString(), "--sae", broken.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("broken").contains("sae_weights.safetensors");
    assertThat(dir.resolve("store/runs")).doesNotExist();
    assertNothingStarted();
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void aBadRefinementFlagFailsAtOnceNamingTheFlagBeforeTheStoreIsTouched() throws Exception {
    Path store = Files.createDirectory(dir.resolve("store"));
    String[] base = {"run", "--store", store.toString()};

    assertThat(execute(concat(base, "--explanations", "0"))).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("run: --explanations: explanations per neuron must be 1 to 20, got 0");
    assertThat(execute(concat(base, "--revisions", "12"))).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("run: --revisions: revision rounds must be 0 to 10, got 12");
    assertThat(execute(concat(base, "--select-by", "fuzzing"))).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("run: --select-by fuzzing: add fuzzing to --scorers");
    assertThat(execute("run", "--capture", "--select-by", "votes")).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("run: --select-by: unknown scorer \"votes\"");
    try (var left = Files.list(store)) {
      assertThat(left).as("the store is not touched").isEmpty();
    }
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
