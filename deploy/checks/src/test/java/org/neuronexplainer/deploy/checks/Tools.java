package org.neuronexplainer.deploy.checks;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The external programs the checks need (node, promtool), and where the repository is. A missing
 * program fails the test when CI=true and skips it with a message otherwise; bin/install-test-tools
 * installs them.
 */
final class Tools {

  static final Path ROOT = Path.of(System.getProperty("repo.root", "../..")).toAbsolutePath();
  static final Path CHART = ROOT.resolve("helm/neuron-explainer");
  static final Path CHECKS = ROOT.resolve("deploy/checks");

  private Tools() {}

  /** The program's path, or the test is skipped (failed under CI) with how to install it. */
  static Path require(String program, String howToInstall) {
    Optional<Path> found = find(program);
    if (found.isEmpty()) {
      String message = program + " not found: " + howToInstall;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + " (CI=true: the check may not be skipped)");
      }
      assumeTrue(false, message + "; skipping");
    }
    return found.get();
  }

  static Path promtool() {
    return require(
        "promtool",
        "bin/install-test-tools unpacks it from Debian's prometheus package into"
            + " ~/.cache/neuron-explainer,"
            + " or set PROMTOOL");
  }

  /** node, with the validation script's packages installed (bin/install-test-tools runs npm ci). */
  static Path nodeWithPackages() {
    Path node = require("node", "install Node.js 20 (apt-get install nodejs npm)");
    if (!Files.isDirectory(CHECKS.resolve("node_modules/kubernetes-models"))) {
      String message = "deploy/checks/node_modules is missing: run `npm ci` in deploy/checks";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + " (CI=true: the check may not be skipped)");
      }
      assumeTrue(false, message + "; skipping");
    }
    return node;
  }

  private static Optional<Path> find(String program) {
    String override = System.getenv(program.toUpperCase());
    if (override != null && Files.isExecutable(Path.of(override))) {
      return Optional.of(Path.of(override));
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      candidates.add(Path.of(dir, program));
    }
    // Where bin/install-test-tools unpacks Debian's prometheus package without installing its
    // service.
    String cache = System.getenv("XDG_CACHE_HOME");
    Path caches =
        cache != null && !cache.isEmpty()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache");
    candidates.add(caches.resolve("neuron-explainer/prometheus/usr/bin").resolve(program));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  record Result(int exitCode, String output) {}

  /** Runs a program to completion (30 s at most), output and errors together. */
  static Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("timed out: " + command);
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
