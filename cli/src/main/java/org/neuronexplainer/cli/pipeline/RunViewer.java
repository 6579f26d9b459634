package org.neuronexplainer.cli.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
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

  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER =
      PosixFilePermissions.fromString("rwx------");

  private static final Set<PosixFilePermission> OWNER_PERMISSIONS =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

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
   * COORDINATOR_API_TOKEN} when the user set it, else the token of {@code home/api-token} (see
   * {@link #tokenFile}); a warning about the file's permissions goes to {@code err}.
   */
  void configure(Map<String, String> env, Map<String, String> userEnv, Path home, PrintStream err)
      throws IOException {
    String given = userEnv.get("COORDINATOR_API_TOKEN");
    if (given != null && given.trim().length() >= 16) {
      env.put("COORDINATOR_API_TOKEN", given.trim());
      tokenSource = "$COORDINATOR_API_TOKEN";
    } else {
      Path file = home.resolve(TOKEN_FILE);
      env.put("COORDINATOR_API_TOKEN", tokenFile(file, err));
      tokenSource = "the file " + file;
    }
    env.put("COORDINATOR_VIEWER", Boolean.toString(viewer));
  }

  /**
   * The token kept in {@code file}, made there first when missing or too short. The file is the
   * owner's only ({@code rw-------}) in a folder that is the owner's only ({@code rwx------}): both
   * are made so. An existing token file that others may read, or its folder, is made so with a
   * warning line on {@code err}; its token is kept, so pages already open keep working. (The folder
   * alone is made owner-only quietly: the run's store may have made it a moment ago.)
   */
  static String tokenFile(Path file, PrintStream err) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    boolean existed = Files.isRegularFile(file);
    if (Files.isDirectory(folder)) {
      ownerOnly(folder, OWNER_ONLY_FOLDER, existed ? err : null);
    } else {
      createOwnerOnly(folder);
    }
    if (existed) {
      ownerOnly(file, OWNER_ONLY_FILE, err);
      String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (kept.length() >= 16) {
        return kept;
      }
    }
    String token = UUID.randomUUID().toString();
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: the directory's defaults apply
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    return token;
  }

  private static void createOwnerOnly(Path folder) throws IOException {
    try {
      Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(folder); // not a POSIX file system: its defaults apply
    }
  }

  /**
   * Sets {@code path}'s permissions to {@code ownerOnly} when the group or others have any, saying
   * so on {@code err} unless it is null. Nothing on a file system without POSIX permissions.
   */
  private static void ownerOnly(Path path, Set<PosixFilePermission> ownerOnly, PrintStream err)
      throws IOException {
    Set<PosixFilePermission> now;
    try {
      now = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException e) {
      return;
    }
    if (OWNER_PERMISSIONS.containsAll(now)) {
      return;
    }
    Files.setPosixFilePermissions(path, ownerOnly);
    if (err == null) {
      return;
    }
    err.println(
        "warning: "
            + path
            + " was "
            + PosixFilePermissions.toString(now)
            + ", open to others; made it "
            + PosixFilePermissions.toString(ownerOnly)
            + " (the owner's only)"
            + (Files.isDirectory(path)
                ? ""
                : ". Delete it for a new token if someone else may have read this one."));
  }

  /**
   * The coordinator's address for a browser on this machine: {@code localhost} when it listens on
   * the loopback or on every interface, else the address it listens on.
   */
  static String address(Coordinator coordinator) {
    String host = coordinator.host();
    String shown =
        switch (host) {
          case "127.0.0.1", "0.0.0.0", "::", "localhost" -> "localhost";
          default -> host.contains(":") ? "[" + host + "]" : host;
        };
    return "http://" + shown + ":" + coordinator.port();
  }

  /** Prints where the run page of {@code runId} is, and where its API token comes from. */
  void announce(PrintStream err, Coordinator coordinator, String runId) {
    if (!coordinator.servesViewer()) {
      return;
    }
    err.println(
        "viewer: "
            + address(coordinator)
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
        "serving on "
            + address(coordinator)
            + "/ until Ctrl-C"
            + (coordinator.servesViewer() ? " (viewer, run page, API)" : " (API)"));
    // The shutdown hook closes them; the JVM ends when it has.
    ProcessCommands.runUntilStopped(parts);
  }
}
