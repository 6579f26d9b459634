package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunViewerTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private PrintStream warnings() {
    return new PrintStream(err, true, StandardCharsets.UTF_8);
  }

  private String warned() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutATokenInTheEnvironmentOneIsKeptInAnOwnerOnlyFileAndReused(@TempDir Path home)
      throws Exception {
    RunViewer viewer = new RunViewer();
    Map<String, String> env = new HashMap<>();
    viewer.configure(env, Map.of(), home, warnings());
    String token = env.get("COORDINATOR_API_TOKEN");
    assertThat(token).hasSizeGreaterThanOrEqualTo(16);
    Path file = home.resolve(RunViewer.TOKEN_FILE);
    assertThat(Files.readString(file).trim()).isEqualTo(token);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(env.get("COORDINATOR_VIEWER")).isEqualTo("true");

    Map<String, String> again = new HashMap<>();
    new RunViewer().configure(again, Map.of(), home, warnings());
    assertThat(again.get("COORDINATOR_API_TOKEN"))
        .as("the page's token stays valid")
        .isEqualTo(token);
  }

  @Test
  void theUsersTokenWinsAndNoFileIsWritten(@TempDir Path home) throws Exception {
    RunViewer viewer = new RunViewer();
    viewer.viewer = false;
    Map<String, String> env = new HashMap<>();
    viewer.configure(
        env, Map.of("COORDINATOR_API_TOKEN", "  my-own-token-0123456789 "), home, warnings());
    assertThat(env.get("COORDINATOR_API_TOKEN")).isEqualTo("my-own-token-0123456789");
    assertThat(env.get("COORDINATOR_VIEWER")).isEqualTo("false");
    assertThat(Files.list(home)).isEmpty();
    assertThat(Set.of(home.toFile().list())).isEmpty();
  }

  @Test
  void theTokenFileAndItsFolderAreMadeOwnerOnly(@TempDir Path parent) throws Exception {
    Path home = parent.resolve(".neuron-explainer");
    Map<String, String> env = new HashMap<>();
    new RunViewer().configure(env, Map.of(), home, warnings());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve(RunViewer.TOKEN_FILE))))
        .isEqualTo("rw-------");
    assertThat(warned()).isEmpty();
  }

  @Test
  void aFolderTheRunJustMadeIsMadeOwnerOnlyQuietly(@TempDir Path parent) throws Exception {
    // The run's store and broker data come first, made with the usual permissions.
    Path home = Files.createDirectory(parent.resolve(".neuron-explainer"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    new RunViewer().configure(new HashMap<>(), Map.of(), home, warnings());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .isEqualTo("rwx------");
    assertThat(warned()).isEmpty();
  }

  @Test
  void aTokenFileOthersCanReadIsMadeOwnerOnlyWithAWarningAndKept(@TempDir Path parent)
      throws Exception {
    Path home = Files.createDirectory(parent.resolve(".neuron-explainer"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path file = home.resolve(RunViewer.TOKEN_FILE);
    Files.writeString(file, "an-old-token-0123456789\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Map<String, String> env = new HashMap<>();
    new RunViewer().configure(env, Map.of(), home, warnings());

    assertThat(env.get("COORDINATOR_API_TOKEN")).isEqualTo("an-old-token-0123456789");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .isEqualTo("rwx------");
    assertThat(warned().lines())
        .containsExactly(
            "warning: "
                + home
                + " was rwxr-xr-x, open to others; made it rwx------ (the owner's only)",
            "warning: "
                + file
                + " was rw-r--r--, open to others; made it rw------- (the owner's only). Delete"
                + " it for a new token if someone else may have read this one.");

    err.reset();
    new RunViewer().configure(new HashMap<>(), Map.of(), home, warnings());
    assertThat(warned()).as("once owner-only, nothing more to say").isEmpty();
  }
}
