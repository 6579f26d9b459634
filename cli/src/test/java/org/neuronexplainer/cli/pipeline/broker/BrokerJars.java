package org.neuronexplainer.cli.pipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The broker's jars as deploy/kafka's build leaves them. The reactor builds deploy/kafka before
 * cli, so in a full build they are there; a partial build ({@code -pl cli}) skips the test that
 * needs them, CI does not.
 */
public final class BrokerJars {

  private BrokerJars() {}

  /** The jars' folder, or the calling test skipped (failed under {@code CI}) when it is absent. */
  public static Path builtOrSkip() {
    Path libs =
        LocalKafkaBroker.defaultLibs(
            Path.of(System.getProperty("maven.multiModuleProjectDirectory", "..")));
    if (System.getenv("CI") != null) {
      assertThat(libs).as("broker jars built by deploy/kafka").isDirectory();
    }
    assumeTrue(Files.isDirectory(libs), "broker jars not built: " + libs);
    return libs;
  }
}
