package org.neuronexplainer.cli.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.neuronexplainer.coordinator.Coordinator;
import picocli.CommandLine.Option;

/**
 * The viewer side of {@code run}: the coordinator serves the viewer and the run page on its port;
 * this picks the API token that the page's re-queue and cancel ask for, prints the page's address
 * and, when asked, keeps everything up after the run. The token is never printed: it is the one in
 * {@code COORDINATOR_API_TOKEN}, or one kept in an owner-only file.
 */
public final class RunViewer {

  static final String TOKEN_FILE = "api-token";

  @Option(
      names = "--viewer",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Serve the neuron viewer and the run page on the coordinator's --port (default: on;"
              + " --no-viewer: the API and /metrics only).")
  boolean viewer = true;

  @Option(
      names = "--keep-serving",
      description =
          "After the run, keep the broker, coordinator, worker and viewer up until Ctrl-C: look at"
              + " the results, re-queue failed neurons from the run page.")
  boolean keepServing;

  private String tokenSource;

  /**
   * Puts the API token and the viewer switch into the coordinator's environment: {@code
   * COORDINATOR_API_TOKEN} when the user set it, else the token of {@code home/api-token} (created
   * on first use, readable by the owner only).
   */
  void configure(Map<String, String> env, Map<String, String> userEnv, Path home)
      throws IOException {
    String given = userEnv.get("COORDINATOR_API_TOKEN");
    if (given != null && given.trim().length() >= 16) {
      env.put("COORDINATOR_API_TOKEN", given.trim());
      tokenSource = "$COORDINATOR_API_TOKEN";
    } else {
      Path file = home.resolve(TOKEN_FILE);
      env.put("COORDINATOR_API_TOKEN", tokenFile(file));
      tokenSource = "the file " + file;
    }
    env.put("COORDINATOR_VIEWER", Boolean.toString(viewer));
  }

  /** The token kept in {@code file}, made there first when missing or too short. */
  static String tokenFile(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (kept.length() >= 16) {
        return kept;
      }
    }
    Files.createDirectories(file.getParent());
    String token = UUID.randomUUID().toString();
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: the directory's defaults apply
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    return token;
  }

  /** Prints where the run page of {@code runId} is, and where its API token comes from. */
  void announce(PrintStream err, Coordinator coordinator, String runId) {
    if (!coordinator.servesViewer()) {
      return;
    }
    err.println(
        "viewer: http://localhost:"
            + coordinator.port()
            + "/runs/"
            + runId
            + " (re-queue and cancel there ask for the API token: "
            + tokenSource
            + ")");
  }

  /**
   * With {@code --keep-serving}, blocks until the JVM is asked to stop, then closes {@code parts}
   * in the given order; without it, returns at once.
   */
  void serveOn(PrintStream err, Coordinator coordinator, AutoCloseable... parts)
      throws InterruptedException {
    if (!keepServing) {
      return;
    }
    err.println(
        "serving on http://localhost:"
            + coordinator.port()
            + "/ until Ctrl-C"
            + (coordinator.servesViewer() ? " (viewer, run page, API)" : " (API)"));
    // The shutdown hook closes them; the JVM ends when it has.
    ProcessCommands.runUntilStopped(parts);
  }
}
