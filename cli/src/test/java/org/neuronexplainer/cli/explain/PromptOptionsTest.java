package org.neuronexplainer.cli.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import picocli.CommandLine;

/** The prompt-file flags of the commands that build prompts: checked before any work. */
class PromptOptionsTest {
  private static final String RECORD = ExplainNeuronCommandTest.RECORD;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void anInvalidTextsFileIsAUsageErrorNamingFileAndText() throws Exception {
    Path texts = dir.resolve("texts.json");
    Files.writeString(texts, "{\"explainer.system\": \"Neuron {number}\"}");

    int exit =
        run(
            "prompt",
            "explain",
            "--record",
            RECORD,
            "--llm-model",
            "m",
            "--prompt-texts",
            texts.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--prompt-texts: " + texts + ": \"explainer.system\" uses the placeholder");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingFileIsAUsageErrorEvenForBaselineBackends() {
    Path missing = dir.resolve("nowhere.json");
    Path results = dir.resolve("out.jsonl");

    int exit =
        run(
            "explain-neuron",
            "--explainer",
            "baseline",
            "--simulator",
            "baseline",
            "--record",
            RECORD,
            "--out",
            results.toString(),
            "--prompt-texts",
            missing.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--prompt-texts: " + missing + ": no such file");
    assertThat(results).doesNotExist();
  }

  @Test
  void theRunCommandChecksItsFilesBeforeAnythingStarts() {
    Path missing = dir.resolve("nowhere.json");

    int exit =
        run(
            "run",
            "--explainer",
            "token-space",
            "--llm-model",
            "m",
            "--few-shot",
            missing.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--few-shot: " + missing + ": no such file");
  }

  @Test
  void aMalformedFewShotFileIsAUsageErrorNamingTheFlag() throws Exception {
    Path set = dir.resolve("set.json");
    Files.writeString(set, "{\"examples\": [{\"explanation\": \"x\"}]}");

    int exit =
        run(
            "prompt",
            "simulate",
            "--record",
            RECORD,
            "--llm-model",
            "m",
            "--simulator-few-shot",
            set.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--simulator-few-shot: " + set + ": examples[0]: missing \"records\"");
  }

  @Test
  void theTestSetReplacesTheExplainersFewShotNeurons() throws Exception {
    Path set = dir.resolve("test.json");
    Files.write(set, FewShotSet.TEST.bytes());

    int exit =
        run(
            "prompt",
            "explain",
            "--record",
            RECORD,
            "--llm-model",
            "m",
            "--llm-url",
            "http://127.0.0.1:9/v1",
            "--few-shot",
            set.toString());

    assertThat(exit).as(err.toString()).isZero();
    // One example neuron, then the target as neuron 2.
    assertThat(out.toString())
        .contains("a\\t10\\nb\\t0\\nc\\t0")
        .contains("vowels")
        .contains("Neuron 2")
        .doesNotContain("Neuron 3");
  }

  @Test
  void aSetWithTokenSpaceExamplesTurnsOnTheTokenSpaceExplainersFewShotMode() throws Exception {
    Path set = dir.resolve("test.json");
    Files.write(set, FewShotSet.TEST.bytes());
    Path summary = dir.resolve("summary.json");
    Files.writeString(summary, "{\"tokens\":[\"x\",\" y\"],\"average_activations\":[2.0,1.0]}");
    String[] command = {
      "prompt",
      "explain",
      "--explainer",
      "token-space",
      "--record",
      RECORD,
      "--token-summary",
      summary.toString(),
      "--llm-model",
      "m",
      "--llm-url",
      "http://127.0.0.1:9/v1",
      "--format",
      "completion"
    };

    assertThat(run(command)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Tokens:\\n'x', ' y'\\n").doesNotContain("small numbers");

    out.getBuffer().setLength(0);
    String[] withSet = Arrays.copyOf(command, command.length + 2);
    withSet[command.length] = "--few-shot";
    withSet[command.length + 1] = set.toString();
    assertThat(run(withSet)).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Tokens:\\n'one', ' two', ' three'\\n")
        .contains("This neuron is looking for words that name small numbers.")
        .contains("Tokens:\\n'x', ' y'\\n");
  }

  @Test
  void theTestSetReplacesTheSimulatorsFewShotNeurons() throws Exception {
    Path set = dir.resolve("test.json");
    Files.write(set, FewShotSet.TEST.bytes());

    int exit =
        run(
            "prompt",
            "simulate",
            "--record",
            RECORD,
            "--llm-model",
            "m",
            "--llm-url",
            "http://127.0.0.1:9/v1",
            "--simulator",
            "one-at-a-time",
            "--few-shot",
            set.toString(),
            "--explanation",
            "days");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("vowels")
        .contains("Text:\\nghi\\n")
        .doesNotContain("micro");
  }
}
