package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.pipeline.broker.BrokerJars;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;

/**
 * A real {@code run} process stopped with SIGINT (as Ctrl-C sends it): it exits with 130 and leaves
 * its run marked interrupted with the time and the neurons left; a later plain {@code run} on the
 * same store does none of them; {@code run --resume} then does exactly those, leaving the results
 * written before the interrupt as they were.
 */
class RunInterruptIT {

  private static final int NEURONS = 800;

  @TempDir Path dir;
  private RunProcesses runs;

  @BeforeEach
  void broker() {
    runs =
        new RunProcesses(
            dir, BrokerJars.builtOrSkip().toAbsolutePath().resolve("../../../..").normalize());
  }

  @AfterEach
  void leaveNothingBehind() throws Exception {
    runs.close();
  }

  private Process run(String name, String... args) throws IOException {
    return runs.start(name, args);
  }

  private int exit(Process process, String name) throws Exception {
    assertThat(process.waitFor(4, TimeUnit.MINUTES))
        .as(name + " ended; log:\n" + log(name))
        .isTrue();
    return process.exitValue();
  }

  private String log(String name) {
    return runs.log(name);
  }

  /** The run's done markers with their modification times. */
  private Map<String, FileTime> doneMarkers(String runId) throws IOException {
    Path done = dir.resolve("store").resolve("runs").resolve(runId).resolve("done");
    Map<String, FileTime> markers = new TreeMap<>();
    if (!Files.isDirectory(done)) {
      return markers;
    }
    try (Stream<Path> files = Files.walk(done)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        markers.put(done.relativize(f).toString(), Files.getLastModifiedTime(f));
      }
    }
    return markers;
  }

  @Test
  void anInterruptedRunStaysStoppedUntilResumedAndTheResumeDoesOnlyWhatIsLeft() throws Exception {
    RunRecords records = new RunRecords(new LocalDirectoryStore(dir.resolve("store")));
    SyntheticNeurons.write(records.store(), NEURONS);
    long before = System.currentTimeMillis();

    Process first = run("first", "--run-id", "run-a", "--runners", "1", "--in-flight", "1");
    Await.until(
        Duration.ofMinutes(2),
        "run-a to be running with 5 neurons done",
        () -> {
          assertThat(first.isAlive()).as(() -> "run-a ended early; log:\n" + log("first")).isTrue();
          return doneMarkers("run-a").size();
        },
        done -> done >= 5);
    RunProcesses.interrupt(first);

    assertThat(exit(first, "first")).as(log("first")).isEqualTo(130);
    RunStatus stopped = records.status("run-a").orElseThrow();
    Map<String, FileTime> doneBefore = doneMarkers("run-a");
    assertThat(stopped.state()).isEqualTo(RunState.INTERRUPTED);
    assertThat(stopped.finishedMillis()).isBetween(before, System.currentTimeMillis());
    assertThat(stopped.left()).isEqualTo(NEURONS - doneBefore.size()).isPositive();
    assertThat(log("first")).contains("run run-a interrupted: " + stopped.left() + " neurons");

    // A later run on the same store does none of the interrupted run's jobs.
    Process second = run("second", "--run-id", "run-b", "--neurons", "0-1");
    assertThat(exit(second, "second")).as(log("second")).isZero();
    assertThat(doneMarkers("run-b")).hasSize(4);
    assertThat(doneMarkers("run-a")).isEqualTo(doneBefore);
    assertThat(records.status("run-a").orElseThrow()).isEqualTo(stopped);

    // The resume does the neurons without a result, and only those.
    Process resumed = run("resumed", "--resume", "run-a", "--json");
    assertThat(exit(resumed, "resumed")).as(log("resumed")).isZero();
    RunStatus finished = records.status("run-a").orElseThrow();
    assertThat(finished.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(finished.resumedMillis()).isGreaterThanOrEqualTo(stopped.finishedMillis());
    Map<String, FileTime> doneAfter = doneMarkers("run-a");
    assertThat(doneAfter).hasSize(NEURONS);
    assertThat(doneAfter).containsAllEntriesOf(doneBefore);
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("resumed.out").toFile());
    assertThat(summary.get("neurons").asInt()).isEqualTo(NEURONS);
    assertThat(summary.get("done").asInt()).isEqualTo(NEURONS);
    assertThat(log("resumed")).contains("run run-a resumed: " + stopped.left() + " of " + NEURONS);
    // Each run's process was the broker's last user: it is gone, and so are the leases.
    assertThat(dir.resolve("kafka").resolve("broker.pid")).doesNotExist();
  }
}
