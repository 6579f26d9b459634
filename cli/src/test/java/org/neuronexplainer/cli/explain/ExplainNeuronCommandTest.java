package org.neuronexplainer.cli.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import picocli.CommandLine;

class ExplainNeuronCommandTest {
  /** The shipped example record (cli/ is the working directory of the tests). */
  static final String RECORD =
      Path.of("..", "examples", "collated-activations", "6", "1017.json").toString();

  @TempDir Path dir;
  private ScriptedLlmServer server;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer().otherwise(new ScriptedModel());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private String[] withServer(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of("--llm-url", server.root() + "/v1", "--llm-model", "m", "--llm-max-attempts", "2"));
    return all.toArray(String[]::new);
  }

  @Test
  void baselineNeedsNoNetworkAndWritesAFileThatRescoresIdentically() throws Exception {
    Path file = dir.resolve("6/1017.jsonl");

    int exit =
        run(
            "explain-neuron",
            "--record",
            RECORD,
            "--explainer",
            "baseline",
            "--simulator",
            "baseline",
            "--out",
            file.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("neuron 6:1017", "score 0.674", "\" Monday\"", "LLM: no calls");
    assertThat(server.requests()).isEmpty();
    NeuronSimulationResults results = DatasetJson.read(file, NeuronSimulationResults.class);
    assertThat(results.scoredExplanations()).hasSize(1);
    assertThat(Files.readString(file)).endsWith("}\n").hasLineCount(1);

    assertThat(run("validate", file.toString())).isZero();
    assertThat(run("rescore", file.toString())).isZero();
    assertThat(out.toString())
        .contains("0.674   0.674")
        .doesNotContain("!")
        .doesNotContain("differ from");
  }

  @Test
  void aModelRunPrintsScoresTokensAndCostAndTheCacheMakesTheSecondRunFree() throws Exception {
    Path file = dir.resolve("out.jsonl");
    String[] args =
        withServer(
            "explain-neuron",
            "--record",
            RECORD,
            "--explainer",
            "token-activation-pair",
            "--simulator",
            "json",
            "--samples",
            "2",
            "--cache",
            dir.resolve("cache").toString(),
            "--out",
            file.toString());

    assertThat(run(args)).as(err.toString()).isZero();
    int calls = server.requests().size();
    assertThat(calls).isEqualTo(1 + 2 * 20);
    assertThat(out.toString())
        .contains("2 explanation(s)", "score 0.983   days of the week", "41 calls without a price")
        .contains("41 calls (0 from the cache, 41 HTTP requests, 0 failed)")
        .containsPattern("tokens: [1-9][0-9]* prompt");
    String first = Files.readString(file);

    assertThat(run(args)).as(err.toString()).isZero();
    assertThat(server.requests()).hasSize(calls);
    assertThat(out.toString()).contains("41 calls (41 from the cache, 0 HTTP requests");
    assertThat(Files.readString(file)).isEqualTo(first);
  }

  @Test
  void anUnparseableSimulationFailsTheNeuronWithoutAFile() {
    server.otherwise(
        seen ->
            seen.body().contains("Explanation of neuron")
                ? new ScriptedModel().apply(seen)
                : ScriptedLlmServer.Reply.json(
                    200, "{\"choices\":[{\"message\":{\"content\":\"all zeros\"}}]}"));
    Path file = dir.resolve("out.jsonl");

    int exit =
        run(
            withServer(
                "explain-neuron",
                "--record",
                RECORD,
                "--explainer",
                "token-activation-pair",
                "--simulator",
                "json",
                "--samples",
                "1",
                "--out",
                file.toString()));

    assertThat(exit).isEqualTo(4);
    assertThat(file).doesNotExist();
    assertThat(dir).isEmptyDirectory();
    assertThat(err.toString()).contains("neuron 6:1017 failed", "after 3 attempts");
    assertThat(out.toString()).doesNotContain("score");
  }

  @Test
  void aRejectedKeyIsOneLineNamingTheStatusAndWhatToDo() {
    server.otherwise(
        seen ->
            ScriptedLlmServer.Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key\"}}"));
    Path file = dir.resolve("out.jsonl");

    int exit =
        run(
            withServer(
                "explain-neuron",
                "--record",
                RECORD,
                "--explainer",
                "token-activation-pair",
                "--simulator",
                "json",
                "--out",
                file.toString()));

    assertThat(exit).isEqualTo(3);
    assertThat(file).doesNotExist();
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains("HTTP 401", "check the API key");
  }

  @Test
  void retriesAreToldAndRetriesUsedUpAreOneLineSayingSoAndNoFile() {
    server.otherwise(seen -> ScriptedLlmServer.Reply.json(503, "{\"error\":\"overloaded\"}"));
    Path file = dir.resolve("out.jsonl");

    int exit =
        run(
            withServer(
                "explain-neuron",
                "--record",
                RECORD,
                "--explainer",
                "token-activation-pair",
                "--simulator",
                "json",
                "--out",
                file.toString()));

    assertThat(exit).isEqualTo(3);
    assertThat(file).doesNotExist();
    assertThat(server.requests()).hasSize(2);
    List<String> lines = err.toString().strip().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("waiting for ").contains(": HTTP 503, attempt 1 of 2, ");
    assertThat(lines.get(1)).contains("HTTP 503", "gave up after 2 attempts");
  }

  @Test
  void badInputIsAUserError() {
    assertThat(
            run(
                "explain-neuron",
                "--record",
                RECORD,
                "--explainer",
                "nope",
                "--simulator",
                "baseline",
                "--out",
                dir.resolve("x.jsonl").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("unknown explainer \"nope\"");
    assertThat(
            run(
                "explain-neuron",
                "--record",
                dir.resolve("missing.json").toString(),
                "--explainer",
                "baseline",
                "--simulator",
                "baseline",
                "--out",
                dir.resolve("x.jsonl").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no such file");
    assertThat(
            run(
                withServer(
                    "explain-neuron",
                    "--record",
                    RECORD,
                    "--explainer",
                    "token-space",
                    "--simulator",
                    "baseline",
                    "--out",
                    dir.resolve("x.jsonl").toString())))
        .isEqualTo(1);
    assertThat(err.toString()).contains("needs the neuron's token lookup table");
    assertThat(server.requests()).isEmpty();
  }
}
