package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunViewerTest {

  @Test
  void withoutATokenInTheEnvironmentOneIsKeptInAnOwnerOnlyFileAndReused(@TempDir Path home)
      throws Exception {
    RunViewer viewer = new RunViewer();
    Map<String, String> env = new HashMap<>();
    viewer.configure(env, Map.of(), home);
    String token = env.get("COORDINATOR_API_TOKEN");
    assertThat(token).hasSizeGreaterThanOrEqualTo(16);
    Path file = home.resolve(RunViewer.TOKEN_FILE);
    assertThat(Files.readString(file).trim()).isEqualTo(token);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(env.get("COORDINATOR_VIEWER")).isEqualTo("true");

    Map<String, String> again = new HashMap<>();
    new RunViewer().configure(again, Map.of(), home);
    assertThat(again.get("COORDINATOR_API_TOKEN"))
        .as("the page's token stays valid")
        .isEqualTo(token);
  }

  @Test
  void theUsersTokenWinsAndNoFileIsWritten(@TempDir Path home) throws Exception {
    RunViewer viewer = new RunViewer();
    viewer.viewer = false;
    Map<String, String> env = new HashMap<>();
    viewer.configure(env, Map.of("COORDINATOR_API_TOKEN", "  my-own-token-0123456789 "), home);
    assertThat(env.get("COORDINATOR_API_TOKEN")).isEqualTo("my-own-token-0123456789");
    assertThat(env.get("COORDINATOR_VIEWER")).isEqualTo("false");
    assertThat(Files.list(home)).isEmpty();
    assertThat(Set.of(home.toFile().list())).isEmpty();
  }
}
