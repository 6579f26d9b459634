package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.estimate.RunEstimator;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;
import org.neuronexplainer.worker.texts.PromptInputs;
import picocli.CommandLine;

/**
 * A dry run counts the very requests the {@code prompt} command prints for the same neuron: the
 * explanation request, and each valid-split sequence's simulation request for each explanation.
 */
class DryRunTest {

  private static final Pattern TOKENS =
      Pattern.compile("(?m)^# prompt tokens \\([^)]*\\): (\\d+);");
  private static final String URL = "http://127.0.0.1:9/v1";

  @TempDir Path dir;

  private final PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());

  private NeuronRecord storeRecord() throws Exception {
    NeuronRecord record = DatasetJson.read(recordFile(), NeuronRecord.class);
    Path key = dir.resolve(RunRecords.recordKey(record.neuronId()));
    Files.createDirectories(key.getParent());
    Files.copy(recordFile(), key);
    return record;
  }

  private static Path recordFile() {
    return Path.of("..", "examples", "collated-activations", "6", "1017.json");
  }

  private static LlmConfig llm() {
    return LlmConfig.fromEnv(
        Map.of("LLM_MODEL", "gpt-x", "LLM_BASE_URL", URL, "LLM_PRICES", "gpt-x=2:8"));
  }

  private static long printedTokens(String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(new StringWriter(), true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--llm-model", "gpt-x", "--llm-url", URL));
    assertThat(commandLine.execute(all.toArray(String[]::new))).as(out.toString()).isZero();
    Matcher m = TOKENS.matcher(out.toString());
    long tokens = 0;
    while (m.find()) {
      tokens += Long.parseLong(m.group(1));
    }
    return tokens;
  }

  @Test
  void countsTheExplanationAndSimulationRequestsThePromptCommandPrints() throws Exception {
    NeuronRecord record = storeRecord();
    RunSpec spec =
        new RunSpec(
            "dry", "store", null, null, "token-activation-pair", "all-at-once", "none", null, 3);

    RunEstimate estimate =
        DryRun.estimate(
            spec, PromptInputs.defaults(), new LocalDirectoryStore(dir), llm(), 0, quiet);

    String file = recordFile().toString();
    long explain = printedTokens("prompt", "explain", "--record", file);
    int sequences = Splits.records(record, Split.VALID, SliceParams.paper()).size();
    String assumed = RunEstimator.assumedExplanation(60);
    long simulate = 0;
    for (int i = 0; i < sequences; i++) {
      simulate +=
          printedTokens(
              "prompt",
              "simulate",
              "--record",
              file,
              "--simulator",
              "all-at-once",
              "--explanation",
              assumed,
              "--sequence",
              Integer.toString(i));
    }
    // 5 explanations of at most 60 tokens each, each scored on the valid split (calibration none).
    assertThat(estimate.neurons()).isEqualTo(1);
    assertThat(estimate.explanationCalls()).isEqualTo(1);
    assertThat(estimate.simulationCalls()).isEqualTo(5L * sequences);
    assertThat(estimate.promptTokens()).isEqualTo(explain + 5 * simulate);
    assertThat(estimate.completionTokens()).isEqualTo(5 * 60);
    assertThat(estimate.exact()).isFalse();
    assertThat(estimate.assumptions()).anyMatch(a -> a.contains("60 tokens"));
    double price = (estimate.promptTokens() * 2.0 + 300 * 8.0) / 1e6;
    assertThat(estimate.costUsd()).isCloseTo(price, within(1e-12));
    assertThat(estimate.batchCostUsd()).isCloseTo(price / 2, within(1e-12));
  }

  @Test
  void withTheBaselineExplainerTheSimulationPromptsAreExact() throws Exception {
    NeuronRecord record = storeRecord();
    RunSpec spec =
        new RunSpec("dry", "store", null, null, "baseline", "all-at-once", "none", null, 3);

    RunEstimate estimate =
        DryRun.estimate(
            spec, PromptInputs.defaults(), new LocalDirectoryStore(dir), llm(), 0, quiet);

    String file = recordFile().toString();
    int sequences = Splits.records(record, Split.VALID, SliceParams.paper()).size();
    long simulate = 0;
    for (int i = 0; i < sequences; i++) {
      // Without --explanation the prompt command uses the baseline explainer's, as the run does.
      simulate +=
          printedTokens(
              "prompt",
              "simulate",
              "--record",
              file,
              "--simulator",
              "all-at-once",
              "--sequence",
              Integer.toString(i));
    }
    assertThat(estimate.calls()).isEqualTo(sequences);
    assertThat(estimate.promptTokens()).isEqualTo(simulate);
    assertThat(estimate.completionTokens()).isZero();
    assertThat(estimate.exact()).isTrue();
  }

  @Test
  void theBaselineBackendsCostNoCall() throws Exception {
    storeRecord();
    RunSpec spec =
        new RunSpec("dry", "store", null, null, "baseline", "baseline", "linear", null, 3);

    RunEstimate estimate =
        DryRun.estimate(
            spec, PromptInputs.defaults(), new LocalDirectoryStore(dir), llm(), 0, quiet);

    assertThat(estimate.calls()).isZero();
    assertThat(estimate.promptTokens()).isZero();
    assertThat(estimate.costUsd()).isZero();
    assertThat(estimate.model()).isNull();
  }

  @Test
  void simulationCallsArePricedAtTheSimulatorsOwnModel() throws Exception {
    storeRecord();
    RunSpec spec =
        new RunSpec("dry", "store", null, null, "baseline", "all-at-once", "none", null, 3);
    LlmConfig split =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_MODEL", "gpt-x",
                "LLM_BASE_URL", URL,
                "LLM_PRICES", "gpt-x=2:8,gpt-y=1:4",
                "LLM_SIMULATOR_MODEL", "gpt-y"));

    RunEstimate same =
        DryRun.estimate(
            spec, PromptInputs.defaults(), new LocalDirectoryStore(dir), llm(), 0, quiet);
    RunEstimate estimate =
        DryRun.estimate(
            spec, PromptInputs.defaults(), new LocalDirectoryStore(dir), split, 0, quiet);

    // The baseline explainer calls nothing: every call is a simulation, at gpt-y's price.
    assertThat(estimate.calls()).isEqualTo(same.calls()).isPositive();
    assertThat(estimate.completionTokens()).isZero();
    assertThat(estimate.costUsd()).isCloseTo(estimate.promptTokens() * 1.0 / 1e6, within(1e-12));
    assertThat(same.costUsd()).isCloseTo(same.promptTokens() * 2.0 / 1e6, within(1e-12));
    assertThat(estimate.assumptions()).anyMatch(a -> a.contains("simulation calls go to gpt-y"));
  }

  @Test
  void printsEachScorerBesideSimulationAndTheRevisionBound() throws Exception {
    storeRecord();
    RunSpec spec =
        new RunSpec(
                "dry", "store", null, null, "token-activation-pair", "all-at-once", "none", null, 3)
            .withScorers(List.of("simulation", "detection", "fuzzing"))
            .withRefinement(new Refinement(2, 3, "fuzzing"));
    ByteArrayOutputStream text = new ByteArrayOutputStream();

    RunEstimate estimate =
        DryRun.print(
            spec,
            PromptInputs.defaults(),
            new LocalDirectoryStore(dir),
            llm(),
            0,
            false,
            new PrintStream(text, true, StandardCharsets.UTF_8),
            quiet);

    String printed = text.toString(StandardCharsets.UTF_8);
    RunEstimate.Scorer detection = estimate.scorers().get(1);
    assertThat(detection.scorer()).isEqualTo("detection");
    assertThat(printed)
        .contains(
            String.format(
                "  detection: %d calls, %d prompt tokens, at most %d completion",
                detection.calls(), detection.promptTokens(), detection.completionTokens()))
        .contains("  fuzzing: ")
        .contains("  simulation: ")
        .contains(
            "revision: up to 3 rounds, each about one explanation's scoring plus one explainer"
                + " call: at most "
                + estimate.revisions().calls()
                + " calls");
    assertThat(estimate.calls())
        .isEqualTo(
            estimate.explanationCalls()
                + estimate.scorers().stream().mapToLong(RunEstimate.Scorer::calls).sum());
  }
}
