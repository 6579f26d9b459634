package org.neuronexplainer.cli.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The checks of {@code run --resume RUN}, made before anything starts: the run is in the store, it
 * is stopped (interrupted, cancelled or failed), and no flag asks to change its spec, which is the
 * stored one.
 */
final class RunResume {

  /** The mixins of {@code run} whose options make the spec; with --resume, the stored spec. */
  private static final List<String> SPEC_MIXINS = List.of("runSpec", "captureOptions");

  /** Options of the spec's mixins that a resume takes: a new budget. */
  private static final List<String> RESUME_OPTIONS = List.of("--budget");

  /** Other options of {@code run} that change the spec. */
  private static final List<String> SPEC_OPTIONS = List.of("--capture", "--llm-model");

  private RunResume() {}

  /** Refuses the options given that would change the stored spec, naming them. */
  static void refuseSpecFlags(CommandSpec command, ParseResult parsed) {
    List<String> given = new ArrayList<>();
    for (String mixin : SPEC_MIXINS) {
      CommandSpec options = command.mixins().get(mixin);
      if (options == null) {
        continue;
      }
      for (OptionSpec option : options.options()) {
        if (parsed.hasMatchedOption(option) && !RESUME_OPTIONS.contains(option.longestName())) {
          given.add(option.longestName());
        }
      }
    }
    for (String name : SPEC_OPTIONS) {
      if (parsed.hasMatchedOption(name)) {
        given.add(name);
      }
    }
    if (!given.isEmpty()) {
      throw new UserException(
          "--resume runs the run with its stored spec: "
              + String.join(", ", given)
              + (given.size() == 1 ? " changes it" : " change it")
              + " (start a new run for that)",
          2);
    }
  }

  /**
   * The store holding the run: the one given, else whichever of the default stores ({@code store},
   * {@code capture-store} under {@code home}) holds it.
   */
  static Path store(Path given, Path home, String runId) {
    if (given != null) {
      StoreDirectory.check(given, false);
      return given;
    }
    List<Path> defaults = List.of(home.resolve("store"), home.resolve("capture-store"));
    for (Path store : defaults) {
      if (Files.exists(store.resolve(RunRecords.statusKey(runId)))) {
        return store;
      }
    }
    throw new UserException(
        "no run "
            + runId
            + " in "
            + defaults.get(0)
            + " nor in "
            + defaults.get(1)
            + ": name its store with --store",
        2);
  }

  /**
   * The stored spec of a run that can be resumed.
   *
   * @throws UserException naming what to do when the run is not there, runs, or succeeded
   */
  static RunSpec check(Path store, String runId) {
    RunRecords records = new RunRecords(new LocalDirectoryStore(store.toAbsolutePath()));
    RunStatus status =
        records
            .status(runId)
            .orElseThrow(
                () ->
                    new UserException(
                        "no run " + runId + " in " + store + " (`runs` lists a coordinator's runs)",
                        2));
    switch (status.state()) {
      case RUNNING ->
          throw new UserException(
              "run " + runId + " is running: nothing to resume (`status " + runId + "` follows it)",
              1);
      case SUCCEEDED ->
          throw new UserException(
              "run "
                  + runId
                  + " succeeded at "
                  + Instant.ofEpochMilli(status.finishedMillis())
                  + ": every neuron has its result, nothing to resume",
              1);
      default -> {
        // interrupted, cancelled or failed
      }
    }
    return records
        .spec(runId)
        .orElseThrow(
            () -> new UserException("run " + runId + " has no stored spec in " + store, 1));
  }
}
