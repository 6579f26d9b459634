package org.neuronexplainer.cli.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.neuronexplainer.cli.Main;

/**
 * Real {@code run} processes over one temporary folder: the store ({@code store/}), the broker's
 * data ({@code kafka/}) and the home ({@code home/}). {@link #close()} ends what they left: the
 * processes, and a broker that outlived its run (it should not).
 */
final class RunProcesses implements AutoCloseable {

  private final Path dir;
  private final Path projectHome;
  private final List<Process> processes = new ArrayList<>();

  RunProcesses(Path dir, Path projectHome) {
    this.dir = dir;
    this.projectHome = projectHome;
  }

  /**
   * Starts {@code run} on the folder's store and broker, with no viewer, two partitions and {@code
   * args}; its standard error goes to {@code name.log} and its output to {@code name.out}. The LLM
   * and API-token settings of this environment are not passed on: the flags say all.
   */
  Process start(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Duser.home=" + dir.resolve("home"));
    command.add("-Dneuron.explainer.home=" + projectHome);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("run");
    command.addAll(
        List.of(
            "--store",
            dir.resolve("store").toString(),
            "--data-dir",
            dir.resolve("kafka").toString(),
            "--no-viewer",
            "--partitions",
            "2"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("COORDINATOR_API_TOKEN");
    builder.environment().keySet().removeIf(variable -> variable.startsWith("LLM_"));
    builder.redirectError(dir.resolve(name + ".log").toFile());
    builder.redirectOutput(dir.resolve(name + ".out").toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** What the process started as {@code name} wrote to standard error so far. */
  String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Sends SIGINT, as Ctrl-C does. */
  static void interrupt(Process process) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  /** The pid of the broker running on the folder's data, if its pid file is there. */
  Optional<Long> brokerPid() throws IOException {
    Path pid = dir.resolve("kafka").resolve("broker.pid");
    return Files.exists(pid)
        ? Optional.of(Long.parseLong(Files.readString(pid).strip()))
        : Optional.empty();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    brokerPid()
        .flatMap(ProcessHandle::of)
        .ifPresent(
            broker -> {
              broker.destroyForcibly();
              broker.onExit().join();
            });
  }
}
