package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.run.CaptureRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The capture options of {@code run} and {@code submit} as they reach the run spec. */
class CaptureOptionsTest {

  @Command
  static final class Holder {
    @Mixin CaptureOptions capture;
  }

  private static CaptureRun capture(String... extra) {
    Holder holder = new Holder();
    String[] args = new String[extra.length + 4];
    System.arraycopy(new String[] {"--model", "m", "--corpus", "c.txt"}, 0, args, 0, 4);
    System.arraycopy(extra, 0, args, 4, extra.length);
    new CommandLine(holder).parseArgs(args);
    return holder.capture.toCaptureAsGiven();
  }

  @Test
  void quantileKeysReachTheRunSpec() {
    assertThat(capture().quantileKeys()).isEqualTo(CaptureRun.DEFAULT_QUANTILE_KEYS);
    assertThat(capture().quantiles()).isEqualTo("one-pass");
    assertThat(capture("--quantile-keys", "2000").quantileKeys()).isEqualTo(2000);
    assertThat(capture("--quantile-keys", "0").quantileKeys()).isZero();
    assertThatThrownBy(() -> capture("--quantile-keys", "-1"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("capture.quantileKeys must be in 0..");
  }

  @Test
  void twoPassQuantilesAreRefusedWithTheReasonAndTheAlternative() {
    assertThatThrownBy(() -> capture("--quantiles", "two-pass"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("two-pass is not supported by pipeline runs")
        .hasMessageContaining("second forward pass over the whole corpus")
        .hasMessageContaining("use the capture command for two-pass quantiles");
    assertThatThrownBy(() -> capture("--quantiles", "sometimes"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("capture.quantiles must be one-pass or two-pass");
  }

  @Test
  void submitRefusesTwoPassBeforeItCallsTheCoordinator() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    int code =
        commandLine.execute(
            "submit", "--model", "gpt2", "--corpus", "c.jsonl", "--quantiles", "two-pass");
    assertThat(code).isNotZero();
    assertThat(err.toString())
        .contains("two-pass is not supported by pipeline runs")
        .doesNotContain("Exception")
        .doesNotContain("coordinator");
  }
}
