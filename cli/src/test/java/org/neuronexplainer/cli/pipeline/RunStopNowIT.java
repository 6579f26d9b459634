package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;

/**
 * A real LLM-backed {@code run} process stopped with two SIGINTs (Ctrl-C twice) while its only job
 * waits on an LLM endpoint that holds every request unanswered: the first marks the run interrupted
 * and leaves the process waiting for that job; the second ends it at once with 130, kills the
 * broker it started (no other process holds a lease), and sends nothing more to the endpoint. A
 * {@code run --resume} against the endpoint, now answering, then finishes the run.
 */
class RunStopNowIT {

  private static final int NEURONS = 4;
  private static final String RUN = "run-stop-now";

  /**
   * Well under the 30 s that the first Ctrl-C gives the jobs in flight: an exit within it is the
   * second Ctrl-C's doing, not the end of that wait.
   */
  private static final Duration STOP_NOW_BOUND = Duration.ofSeconds(15);

  @TempDir Path dir;
  private RunProcesses runs;
  private final CountDownLatch answering = new CountDownLatch(1);
  private ScriptedLlmServer llm;

  @BeforeEach
  void start() throws IOException {
    runs =
        new RunProcesses(
            dir, BrokerJars.builtOrSkip().toAbsolutePath().resolve("../../../..").normalize());
    ScriptedModel model = new ScriptedModel();
    llm = new ScriptedLlmServer();
    // Until the test says otherwise, every request is held without an answer.
    llm.otherwise(
        seen -> {
          try {
            answering.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScriptedLlmServer.Reply.json(503, "{\"error\":\"closing\"}");
          }
          return model.apply(seen);
        });
  }

  @AfterEach
  void leaveNothingBehind() throws Exception {
    runs.close();
    answering.countDown();
    llm.close();
  }

  private Process run(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("--llm-url", llm.root() + "/v1"));
    command.addAll(List.of(args));
    return runs.start(name, command.toArray(String[]::new));
  }

  private String log(String name) {
    return runs.log(name);
  }

  private long doneMarkers() throws IOException {
    Path done = dir.resolve("store").resolve("runs").resolve(RUN).resolve("done");
    if (!Files.isDirectory(done)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(done)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void aSecondCtrlCStopsAtOnceWhileAJobWaitsOnTheLlmAndTheRunIsResumedLater() throws Exception {
    RunRecords records = new RunRecords(new LocalDirectoryStore(dir.resolve("store")));
    SyntheticNeurons.write(records.store(), NEURONS);
    long before = System.currentTimeMillis();

    Process first =
        run(
            "first",
            "--run-id",
            RUN,
            "--explainer",
            "token-activation-pair",
            "--simulator",
            "json",
            "--llm-model",
            "m",
            "--runners",
            "1",
            "--in-flight",
            "1");
    Await.until(
        Duration.ofMinutes(2),
        "a job of " + RUN + " to wait on the LLM",
        () -> {
          assertThat(first.isAlive())
              .as(() -> "the run ended early; log:\n" + log("first"))
              .isTrue();
          return llm.requests().size();
        },
        held -> held >= 1);
    long broker = runs.brokerPid().orElseThrow();

    RunProcesses.interrupt(first);
    RunStatus stopped =
        Await.until(
            Duration.ofSeconds(30),
            RUN + " to be marked interrupted",
            () -> records.status(RUN).orElseThrow(),
            s -> s.state() == RunState.INTERRUPTED);
    // Marked, and still waiting for the job in flight: the LLM has answered nothing.
    assertThat(first.isAlive()).as(() -> log("first")).isTrue();
    assertThat(stopped.finishedMillis()).isBetween(before, System.currentTimeMillis());
    assertThat(stopped.left()).isEqualTo(NEURONS);

    RunProcesses.interrupt(first);
    assertThat(first.waitFor(STOP_NOW_BOUND.toSeconds(), TimeUnit.SECONDS))
        .as(
            () ->
                "the run ended within "
                    + STOP_NOW_BOUND
                    + " of the second Ctrl-C; log:\n"
                    + log("first"))
        .isTrue();
    int sent = llm.requests().size();
    assertThat(first.exitValue()).as(log("first")).isEqualTo(StopSignals.INTERRUPTED_EXIT);
    assertThat(log("first")).contains("second Ctrl-C: stopping now. Run " + RUN);
    assertThat(records.status(RUN).orElseThrow()).isEqualTo(stopped);
    assertThat(doneMarkers()).isZero();
    // No one else held a lease on the broker it started: it is killed, not left to the machine.
    assertThat(dir.resolve("kafka").resolve("broker.pid")).doesNotExist();
    assertThat(ProcessHandle.of(broker).filter(ProcessHandle::isAlive)).isEmpty();
    try (Stream<Path> leases = Files.list(dir.resolve("kafka").resolve("leases"))) {
      assertThat(leases).isEmpty();
    }

    // Nothing of the stopped run reaches the endpoint until the user asks for it.
    answering.countDown();
    assertThat(llm.requests()).hasSize(sent);
    Process resumed = run("resumed", "--resume", RUN);
    assertThat(resumed.waitFor(4, TimeUnit.MINUTES))
        .as(() -> "the resume ended; log:\n" + log("resumed"))
        .isTrue();
    assertThat(resumed.exitValue()).as(log("resumed")).isZero();
    RunStatus finished = records.status(RUN).orElseThrow();
    assertThat(finished.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(finished.resumedMillis()).isGreaterThanOrEqualTo(stopped.finishedMillis());
    assertThat(doneMarkers()).isEqualTo(NEURONS);
    assertThat(llm.requests().size()).isGreaterThan(sent);
    assertThat(log("resumed")).contains("run " + RUN + " resumed: " + NEURONS + " of " + NEURONS);
    assertThat(dir.resolve("kafka").resolve("broker.pid")).doesNotExist();
  }
}
