package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import picocli.CommandLine;

/**
 * {@code run --resume} checks the run and its flags before it starts anything: each mistake is one
 * line at once, with no broker started.
 */
@Timeout(20)
class RunResumeArgumentsTest {

  @TempDir Path home;
  @TempDir Path store;

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

  private void stored(String runId, RunState state, long finishedMillis) {
    RunRecords records = new RunRecords(new LocalDirectoryStore(store));
    records.putSpec(new RunSpec(runId, "store", null, null, null, null, null, null, 3));
    records.putStatus(new RunStatus(runId, state, 4, 1_000L, finishedMillis));
  }

  private String message() {
    return err.toString().strip();
  }

  @Test
  void flagsThatChangeTheSpecAreRefused() {
    stored("r", RunState.INTERRUPTED, 2_000L);

    assertThat(
            execute(
                "run",
                "--resume",
                "r",
                "--store",
                store.toString(),
                "--neurons",
                "0-3",
                "--explainer",
                "baseline"))
        .isEqualTo(2);

    assertThat(message())
        .isEqualTo(
            "run: --resume runs the run with its stored spec: --neurons, --explainer change it"
                + " (start a new run for that)");
    assertThat(home.resolve(".neuron-explainer")).doesNotExist();
  }

  @Test
  void aResumedRunKeepsItsRefinementAndRefusesNewRefinementFlags() {
    RunRecords records = new RunRecords(new LocalDirectoryStore(store));
    Refinement refinement = new Refinement(6, 3, "detection");
    records.putSpec(
        new RunSpec("k", "store", null, null, null, null, null, null, 3)
            .withScorers(List.of("simulation", "detection"))
            .withRefinement(refinement));
    records.putStatus(new RunStatus("k", RunState.INTERRUPTED, 4, 1_000L, 2_000L));

    assertThat(RunResume.check(store, "k").refinement()).isEqualTo(refinement);

    assertThat(
            execute(
                "run",
                "--resume",
                "k",
                "--store",
                store.toString(),
                "--explanations",
                "2",
                "--revisions",
                "1",
                "--select-by",
                "simulation"))
        .isEqualTo(2);
    assertThat(message())
        .isEqualTo(
            "run: --resume runs the run with its stored spec: --explanations, --revisions,"
                + " --select-by change it (start a new run for that)");
    assertThat(home.resolve(".neuron-explainer")).doesNotExist();
  }

  @Test
  void aRunThatIsNotThereIsNamedWithItsStore() {
    assertThat(execute("run", "--resume", "nope", "--store", store.toString())).isEqualTo(2);
    assertThat(message())
        .isEqualTo("run: no run nope in " + store + " (`runs` lists a coordinator's runs)");

    assertThat(execute("run", "--resume", "nope")).isEqualTo(2);
    assertThat(message())
        .startsWith("run: no run nope in ")
        .endsWith(": name its store with --store");

    assertThat(execute("run", "--resume", "a b")).isEqualTo(2);
    assertThat(message()).startsWith("run: --resume: ");
  }

  @Test
  void aSucceededOrRunningRunHasNothingToResume() {
    stored("done", RunState.SUCCEEDED, 2_000L);
    stored("busy", RunState.RUNNING, 0L);

    assertThat(execute("run", "--resume", "done", "--store", store.toString())).isEqualTo(1);
    assertThat(message())
        .isEqualTo(
            "run: run done succeeded at 1970-01-01T00:00:02Z: every neuron has its result,"
                + " nothing to resume");

    assertThat(execute("run", "--resume", "busy", "--store", store.toString())).isEqualTo(1);
    assertThat(message())
        .isEqualTo("run: run busy is running: nothing to resume (`status busy` follows it)");
    assertThat(home.resolve(".neuron-explainer")).doesNotExist();
  }
}
