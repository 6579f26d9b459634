package org.neuronexplainer.cli.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;

/** The run's closing summary and its failed neurons. */
class SummaryTest {

  @Test
  void theSummaryShowsTheFirstFailuresAndWhereTheRestAre() {
    List<RunFailure> failures = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      failures.add(new RunFailure("1:" + i, "explain-and-score", 2, "no answer\n  from the LLM"));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunView view =
        new RunView(
            "run-x",
            "failed",
            null,
            new RunStatus("run-x", RunState.FAILED, 9, 0, 1_000),
            new RunProgress.Summary(
                9, Map.of("done", 2, "failed", 7), Map.of(), Map.of(), 0, 0.0, 0, 0, 0, 0, null));

    Summary.print(new PrintStream(bytes, true, UTF_8), view, 1.0, Path.of("/tmp/store"), failures);

    String out = bytes.toString(UTF_8);
    assertThat(out)
        .contains(
            "failed neurons, the first 5 of 7 (all in /tmp/store/runs/run-x/failures.jsonl):\n"
                + "  1:0 explain-and-score, attempt 2: no answer | from the LLM\n")
        .contains("  1:4 explain-and-score")
        .doesNotContain("1:5");
  }

  @Test
  void aLongReasonIsCutAndAMissingOneSaidSo() {
    assertThat(Summary.oneLine("x".repeat(400))).hasSize(303).endsWith("...");
    assertThat(Summary.oneLine(null)).isEqualTo("(no reason given)");
  }
}
