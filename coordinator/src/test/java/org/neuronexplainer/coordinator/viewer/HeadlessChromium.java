package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's chromium and chromium-driver, started headless (no sandbox, no GPU, a temporary
 * profile). As an extension on a browser test class: where either is missing the class is skipped,
 * and reported as skipped with the reason, or under {@code CI=true} fails, saying what to install.
 * {@code CHROMIUM} and {@code CHROMEDRIVER} name other paths. Public for the browser tests of other
 * modules (the cli's, over a captured store), through this module's test jar.
 */
public final class HeadlessChromium implements ExecutionCondition {

  private static final Logger LOG = LoggerFactory.getLogger(HeadlessChromium.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  static final String INSTALL =
      "apt-get install -y chromium chromium-driver (bin/install-test-tools does this as root)";

  /** Where the browser and its driver are looked for. */
  record Install(Path browser, Path driver) {

    static Install from(Map<String, String> env) {
      return new Install(
          Path.of(env.getOrDefault("CHROMIUM", "/usr/bin/chromium")),
          Path.of(env.getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")));
    }

    /** What is missing, in words, or empty when both are there. */
    Optional<String> missing() {
      List<String> missing = new ArrayList<>();
      if (!Files.isExecutable(browser)) {
        missing.add("the browser " + browser);
      }
      if (!Files.isExecutable(driver)) {
        missing.add("the driver " + driver);
      }
      return missing.isEmpty()
          ? Optional.empty()
          : Optional.of("the browser tests need " + String.join(" and ", missing) + ": " + INSTALL);
    }
  }

  /** Run, skip with the reason, or (under CI=true) fail with it. */
  static ConditionEvaluationResult decide(Map<String, String> env) {
    Optional<String> missing = Install.from(env).missing();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("chromium and chromedriver are installed");
    }
    if ("true".equalsIgnoreCase(env.get("CI"))) {
      throw new IllegalStateException(missing.get() + " (CI=true: not skipping)");
    }
    return ConditionEvaluationResult.disabled("skipped: " + missing.get());
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    ConditionEvaluationResult result = decide(System.getenv());
    // Maven's summary counts skipped tests but does not say why: say it once where it is seen.
    if (result.isDisabled() && !WARNED.getAndSet(true)) {
      LOG.warn(result.getReason().orElse("browser tests skipped"));
    }
    return result;
  }

  public static ChromeDriver start(Path profile) throws IOException {
    Install install = Install.from(System.getenv());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(install.browser().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--window-size=1280,1000",
        "--user-data-dir=" + Files.createDirectories(profile).toAbsolutePath());
    // An explicit driver keeps Selenium Manager from trying to download one.
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(install.driver().toFile()).build();
    return new ChromeDriver(service, options);
  }
}
