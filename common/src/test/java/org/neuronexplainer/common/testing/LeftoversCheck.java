package org.neuronexplainer.common.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Fails the test run when its tests leave a process, a broker or a listening port behind: once all
 * tests have run, it waits a little for what is being stopped to go, then throws with one line per
 * leftover ({@link Leftovers}). Surefire and failsafe report the throw as an error of the forked
 * test JVM, which fails the build.
 *
 * <p>Registered through {@code META-INF/services} in common's test jar, so it runs in every module
 * whose tests use that jar.
 */
public final class LeftoversCheck implements LauncherSessionListener {

  /** Long enough for a broker's controlled shutdown, short enough not to hide a hang. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final Instant since =
      ProcessHandle.current().info().startInstant().orElseGet(Instant::now);

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    try {
      Await.until(
          GRACE,
          "the tests' processes and ports to go",
          () -> Leftovers.find(since),
          List::isEmpty);
    } catch (AssertionError e) {
      List<String> left = Leftovers.find(since);
      if (!left.isEmpty()) {
        throw new IllegalStateException(
            "the tests left behind (still there "
                + GRACE.toSeconds()
                + " s after the last test):\n  "
                + String.join("\n  ", left));
      }
    }
  }
}
