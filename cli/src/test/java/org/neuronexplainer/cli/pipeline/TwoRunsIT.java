package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.pipeline.broker.BrokerJars;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import picocli.CommandLine;

/**
 * Two {@code run}s at once on one machine, sharing one broker directory, each with its own store:
 * both finish with their own results and no failures (neither worker takes the other's jobs), the
 * first to end leaves the broker to the other, and the last one out stops it.
 */
class TwoRunsIT {

  @TempDir Path dir;
  private String userHome;

  @BeforeEach
  void home() throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    System.setProperty(
        "neuron.explainer.home",
        libs.toAbsolutePath().resolve("../../../..").normalize().toString());
    userHome = System.getProperty("user.home");
    Path home = dir.resolve("home");
    System.setProperty("user.home", home.toString());
    // The token file both runs read, made here so that they do not race to make it.
    Path folder =
        Files.createDirectories(
            home.resolve(".neuron-explainer"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path token = folder.resolve("api-token");
    Files.writeString(token, "two-runs-token-0123456789abcdef\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void restore() {
    System.setProperty("user.home", userHome);
    System.clearProperty("neuron.explainer.home");
  }

  @Test
  void twoRunsOnOneBrokerBothSucceedWithTheirOwnResults() throws Exception {
    Path kafka = dir.resolve("kafka");
    Path storeA = dir.resolve("store-a");
    Path storeB = dir.resolve("store-b");
    List<NeuronId> a = SyntheticNeurons.write(new LocalDirectoryStore(storeA), 12);
    List<NeuronId> b = SyntheticNeurons.write(new LocalDirectoryStore(storeB), 60);

    CompletableFuture<Integer> runA = run("run-a", storeA, kafka);
    CompletableFuture<Integer> runB = run("run-b", storeB, kafka);

    assertThat(runA.get(4, TimeUnit.MINUTES)).as("run-a's exit code").isZero();
    assertThat(runB.get(4, TimeUnit.MINUTES)).as("run-b's exit code").isZero();
    assertSucceeded(storeA, "run-a", a);
    assertSucceeded(storeB, "run-b", b);
    // Neither store learnt of the other's run.
    assertThat(new RunRecords(new LocalDirectoryStore(storeA)).status("run-b")).isEmpty();
    assertThat(new RunRecords(new LocalDirectoryStore(storeB)).status("run-a")).isEmpty();
    // The last one out stopped the broker and no lease is left.
    assertThat(kafka.resolve("broker.pid")).doesNotExist();
    try (var leases = Files.list(kafka.resolve("leases"))) {
      assertThat(leases).isEmpty();
    }
  }

  private static CompletableFuture<Integer> run(String runId, Path store, Path kafka) {
    return CompletableFuture.supplyAsync(
        () ->
            new CommandLine(new RunCommand())
                .execute(
                    "--run-id",
                    runId,
                    "--store",
                    store.toString(),
                    "--data-dir",
                    kafka.toString(),
                    "--no-viewer",
                    "--runners",
                    "2",
                    "--partitions",
                    "2"));
  }

  private static void assertSucceeded(Path store, String runId, List<NeuronId> neurons) {
    RunRecords records = new RunRecords(new LocalDirectoryStore(store));
    RunStatus status = records.status(runId).orElseThrow();
    assertThat(status.state()).as(runId).isEqualTo(RunState.SUCCEEDED);
    assertThat(status.neuronCount()).isEqualTo(neurons.size());
    assertThat(records.failures(runId)).as(runId + "'s failures").isEmpty();
    for (NeuronId n : neurons) {
      assertThat(records.done(runId, n)).as(runId + " " + n).isPresent();
    }
  }
}
