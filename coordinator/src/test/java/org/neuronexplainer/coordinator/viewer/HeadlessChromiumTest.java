package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

class HeadlessChromiumTest {

  @TempDir Path dir;

  private Path executable(String name) throws Exception {
    Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void runsWhereTheBrowserAndTheDriverAreInstalled() throws Exception {
    Map<String, String> env =
        Map.of(
            "CHROMIUM", executable("chromium").toString(),
            "CHROMEDRIVER", executable("chromedriver").toString(),
            "CI", "true");
    assertThat(HeadlessChromium.decide(env).isDisabled()).isFalse();
  }

  @Test
  void aMissingDriverSkipsWithTheReasonOutsideCi() throws Exception {
    Path chromium = executable("chromium");
    Map<String, String> env =
        Map.of(
            "CHROMIUM", chromium.toString(),
            "CHROMEDRIVER", dir.resolve("no-chromedriver").toString());
    ConditionEvaluationResult result = HeadlessChromium.decide(env);
    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .contains("the driver " + dir.resolve("no-chromedriver"))
                    .doesNotContain(chromium.toString())
                    .contains("apt-get install -y chromium chromium-driver"));
  }

  @Test
  void aMissingBrowserFailsUnderCi() {
    Map<String, String> env =
        Map.of(
            "CHROMIUM", dir.resolve("no-chromium").toString(),
            "CHROMEDRIVER", dir.resolve("no-chromedriver").toString(),
            "CI", "true");
    assertThatThrownBy(() -> HeadlessChromium.decide(env))
        .hasMessageContaining("the browser " + dir.resolve("no-chromium"))
        .hasMessageContaining("the driver " + dir.resolve("no-chromedriver"))
        .hasMessageContaining("chromium-driver")
        .hasMessageContaining("CI=true");
  }
}
