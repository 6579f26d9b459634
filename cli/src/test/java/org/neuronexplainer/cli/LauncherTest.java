package org.neuronexplainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/neuron-explainer, run from a copy laid out like a built checkout, with a stand-in {@code
 * java} that writes down its arguments instead of starting a JVM.
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("..", "bin", "neuron-explainer");

  @TempDir Path dir;
  private Path root;
  private Path tools;

  @BeforeEach
  void layOut() throws Exception {
    root = Files.createDirectories(dir.resolve("checkout"));
    Files.createDirectories(root.resolve("bin"));
    Files.copy(LAUNCHER, root.resolve("bin/neuron-explainer"));
    executable(root.resolve("bin/neuron-explainer"));
    Files.createDirectories(root.resolve("deploy/kafka/target/libs"));
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Path jar = Files.createDirectories(root.resolve("cli/target")).resolve("neuron-explainer.jar");
    Files.write(jar, new byte[0]);
    // Built after its sources, so the launcher does not build.
    Files.setLastModifiedTime(
        root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(60)));

    tools = Files.createDirectories(dir.resolve("tools"));
    Path java = tools.resolve("java");
    Files.writeString(
        java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$ARGS_FILE\"\n");
    executable(java);
  }

  private static void executable(Path file) throws Exception {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> javaArguments(String home) throws Exception {
    Path args = dir.resolve("args");
    ProcessBuilder launch =
        new ProcessBuilder(root.resolve("bin/neuron-explainer").toString(), "--help")
            .redirectErrorStream(true);
    launch.environment().put("HOME", home);
    launch.environment().put("ARGS_FILE", args.toString());
    launch.environment().put("PATH", tools + ":" + System.getenv("PATH"));
    launch.environment().remove("NEURON_EXPLAINER_JAVA_OPTS");
    Process process = launch.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return Files.readAllLines(args);
  }

  @Test
  void javaGetsTheUsersHomeRatherThanThePasswordDatabases() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere home"));
    assertThat(javaArguments(elsewhere.toString()))
        .contains("-Duser.home=" + elsewhere)
        .endsWith("org.neuronexplainer.cli.Main", "--help");
  }
}
