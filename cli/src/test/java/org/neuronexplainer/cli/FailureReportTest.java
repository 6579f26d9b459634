package org.neuronexplainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** How a failed command is reported: one plain line, and the debug hint only when it helps. */
class FailureReportTest {

  @Command(name = "failing")
  static final class Failing implements Callable<Integer> {
    private final Exception failure;

    Failing(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }

  private final StringWriter err = new StringWriter();

  private int report(Exception failure) {
    CommandLine commandLine = new CommandLine(new Failing(failure));
    commandLine.setExecutionExceptionHandler(Main::reportFailure);
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute();
  }

  private static String lines(String... lines) {
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  @Test
  void aUserOrConfigurationErrorGetsNoDebugHint() {
    assertThat(report(new UserException("--port must be a number", 2))).isEqualTo(2);
    assertThat(report(new IllegalArgumentException("COORDINATOR_PORT is 'x': expected a number")))
        .isEqualTo(1);

    assertThat(err.toString())
        .isEqualTo(
            lines(
                "failing: --port must be a number",
                "failing: COORDINATOR_PORT is 'x': expected a number"));
  }

  @Test
  void aFileSystemErrorIsItsCauseAndPathWithoutAClassName() {
    assertThat(report(new AccessDeniedException("/data/store/runs"))).isEqualTo(1);
    assertThat(report(new UncheckedIOException(new AccessDeniedException("/data/store/runs"))))
        .isEqualTo(1);

    assertThat(err.toString())
        .isEqualTo(
            lines(
                "failing: permission denied: /data/store/runs",
                "failing: permission denied: /data/store/runs"));
  }

  @Test
  void anUnexpectedErrorSuggestsTheStackTrace() {
    assertThat(report(new IllegalStateException("consumer closed"))).isEqualTo(1);

    assertThat(err.toString())
        .isEqualTo(
            lines(
                "failing: consumer closed",
                "(set NEURON_EXPLAINER_DEBUG=1 to see the stack trace)"));
  }
}
