package org.neuronexplainer.cli.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import picocli.CommandLine;

class ValidateCommandTest {
  private static final String RECORD =
      "{\n  \"neuron_id\": {\"layer_index\": 9, \"neuron_index\": 6236},\n"
          + "  \"most_positive_activation_records\": [\n"
          + "    {\"tokens\": [\" a\", \" b\"], \"activations\": [0.5, NaN]}],\n"
          + "  \"mean\": 0.25\n}\n";
  private static final String CANONICAL_RECORD =
      "{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":6236,\"dataclass_name\":\"NeuronId\"},"
          + "\"random_sample\":[],\"random_sample_by_quantile\":null,\"quantile_boundaries\":null,"
          + "\"mean\":0.25,\"variance\":null,\"skewness\":null,\"kurtosis\":null,"
          + "\"most_positive_activation_records\":[{\"tokens\":[\" a\",\" b\"],"
          + "\"activations\":[0.5,null],\"dataclass_name\":\"ActivationRecord\"}],"
          + "\"dataclass_name\":\"NeuronRecord\"}";
  private static final String BROKEN_EXPLANATION =
      "{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":6236},\"scored_explanations\":"
          + "[{\"explanation\":\"x\",\"scored_simulation\":{\"scored_sequence_simulations\":"
          + "[{\"simulation\":{\"tokens\":[\"a\"],\"expected_activations\":[1.0,2.0],"
          + "\"activation_scale\":\"neuron_activations\",\"distribution_values\":[],"
          + "\"distribution_probabilities\":[]},\"true_activations\":[1.0],"
          + "\"ev_correlation_score\":null}]}}]}\n";

  @TempDir Path dir;
  private Path data;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeTree() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data.resolve("collated-activations/9"));
    Files.createDirectories(data.resolve("explanations/9"));
    Files.createDirectories(data.resolve("related-neurons/weight-based/10"));
    Files.writeString(data.resolve("collated-activations/9/6236.json"), RECORD);
    Files.writeString(data.resolve("explanations/9/6236.jsonl"), BROKEN_EXPLANATION);
    Files.writeString(
        data.resolve("related-neurons/weight-based/10/5.json"), "{\"c_fc\":null,\"c_proj\":null}");
  }

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void reportsEachFileAndFailsWhenOneIsBroken() {
    int exitCode = run("validate", data.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString().lines())
        .containsExactly(
            "ok    " + data.resolve("collated-activations/9/6236.json") + "  NeuronRecord 9:6236",
            "FAIL  "
                + data.resolve("explanations/9/6236.jsonl")
                + ": $.scored_explanations[0].scored_simulation.scored_sequence_simulations[0]"
                + ".simulation.expected_activations: 1 token but 2 expected activations",
            "ok    "
                + data.resolve("related-neurons/weight-based/10/5.json")
                + "  RelatedNeurons 10:5 (from the path)",
            "3 files: 2 valid, 1 invalid");
  }

  @Test
  void printsOnlyFailuresWhenQuiet() {
    int exitCode = run("validate", "--quiet", data.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString().lines())
        .hasSize(2)
        .allMatch(line -> line.startsWith("FAIL  ") || line.startsWith("3 files: "));
  }

  @Test
  void succeedsWhenEveryFileIsValid() {
    int exitCode = run("validate", data.resolve("collated-activations").toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString()).endsWith("1 file: 1 valid, 0 invalid" + System.lineSeparator());
  }

  @Test
  void passesByTheStoresRunRecordsLlmCacheAndTheViewsSources() throws Exception {
    Path store = dir.resolve("store");
    Files.createDirectories(store.resolve("collated-activations/9"));
    Files.createDirectories(store.resolve("runs/run-1"));
    Files.createDirectories(store.resolve("llm-cache"));
    Files.createDirectories(store.resolve("explanation-sources/9"));
    Files.writeString(store.resolve("collated-activations/9/6236.json"), RECORD);
    Files.writeString(store.resolve("runs/run-1/spec.json"), "{\"run_id\":\"run-1\"}");
    Files.writeString(store.resolve("llm-cache/abc.json"), "{\"choices\":[]}");
    Files.writeString(
        store.resolve("explanation-sources/9/6236.json"), "{\"runId\":\"run-1\",\"score\":0.5}");

    int exitCode = run("validate", store.toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString()).endsWith("1 file: 1 valid, 0 invalid" + System.lineSeparator());
  }

  @Test
  void checksTheNeuronAgainstThePath() throws Exception {
    Path moved = data.resolve("collated-activations/9/6237.json");
    Files.move(data.resolve("collated-activations/9/6236.json"), moved);

    int exitCode = run("validate", moved.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "FAIL  "
                + moved
                + ": $.neuron_id: the file is about neuron 9:6236 but its path says 9:6237");
  }

  @Test
  void rewritesValidFilesInCanonicalFormUnderTheirRelativePaths() throws Exception {
    Path rewritten = dir.resolve("canonical");

    int exitCode = run("validate", data.toString(), "--rewrite", rewritten.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(Files.readString(rewritten.resolve("collated-activations/9/6236.json")))
        .isEqualTo(CANONICAL_RECORD);
    assertThat(Files.readString(rewritten.resolve("related-neurons/weight-based/10/5.json")))
        .isEqualTo("{\"c_fc\":null,\"c_proj\":null}");
    assertThat(rewritten.resolve("explanations/9/6236.jsonl")).doesNotExist();
    assertThat(out.toString()).contains("3 files: 2 valid, 1 invalid; 2 rewritten to " + rewritten);
  }

  @Test
  void typesAFileOutsideTheLayoutByItsKeys() throws Exception {
    Path file = dir.resolve("summary.json");
    Files.writeString(file, "{\"tokens\":[\"a\"],\"average_activations\":[1.5]}");

    int exitCode = run("validate", file.toString(), "--rewrite", dir.resolve("out").toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .startsWith("ok    " + file + "  TokenLookupTableSummaryOfNeuron" + System.lineSeparator());
    assertThat(Files.readString(dir.resolve("out/summary.json")))
        .isEqualTo(
            "{\"tokens\":[\"a\"],\"average_activations\":[1.5],"
                + "\"dataclass_name\":\"TokenLookupTableSummaryOfNeuron\"}");
  }

  @Test
  void skipsJsonInADirectoryThatIsNoDatasetFile() throws Exception {
    Files.delete(data.resolve("explanations/9/6236.jsonl"));
    Files.createDirectories(data.resolve("model"));
    Files.writeString(data.resolve("model/vocab.json"), "{\"a\":0,\"b\":1,\"c\":2}");
    Files.writeString(data.resolve("model/merges.json"), "[\"a b\"]");

    int exitCode = run("validate", data.toString());

    assertThat(exitCode).isZero();
    String nl = System.lineSeparator();
    assertThat(out.toString())
        .contains(
            "skip  "
                + data.resolve("model/vocab.json")
                + ": not a dataset file (no dataclass_name, and none of its 3 keys is a dataset"
                + " field)"
                + nl)
        .contains("skip  " + data.resolve("model/merges.json") + ": not a dataset file (")
        .endsWith("2 files: 2 valid, 0 invalid; 2 other JSON files skipped" + nl);
  }

  @Test
  void stillFailsABrokenDatasetFileBesideSkippedOnes() throws Exception {
    Files.createDirectories(data.resolve("model"));
    Files.writeString(data.resolve("model/vocab.json"), "{\"a\":0}");
    Files.writeString(data.resolve("partial.json"), "{\"tokens\":[\"a\"]}");

    int exitCode = run("validate", data.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL  " + data.resolve("explanations/9/6236.jsonl"))
        .contains("FAIL  " + data.resolve("partial.json"))
        .contains("skip  " + data.resolve("model/vocab.json"));
  }

  @Test
  void failsANamedFileThatIsNoDatasetFileInOneShortLine() throws Exception {
    Path vocab = dir.resolve("vocab.json");
    StringBuilder keys = new StringBuilder("{");
    for (int i = 0; i < 512; i++) {
      keys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    Files.writeString(vocab, keys.append("}").toString());

    int exitCode = run("validate", vocab.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString())
        .isEqualTo(
            "FAIL  "
                + vocab
                + ": not a dataset file (no dataclass_name, and none of its 512 keys is a"
                + " dataset field)"
                + System.lineSeparator()
                + "1 file: 0 valid, 1 invalid"
                + System.lineSeparator());
  }

  @Test
  void theReadmesExampleSucceeds() {
    Path examples = Path.of("..", "examples");

    int exitCode = run("validate", examples.toString());

    assertThat(exitCode).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("skip  " + examples.resolve("smoke-model/vocab.json") + ": not a dataset file")
        .contains("0 invalid; 1 other JSON file skipped");
  }

  @Test
  void refusesAMissingPath() {
    int exitCode = run("validate", dir.resolve("nothing-here").toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).contains("validate: no such file or directory: ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void hasHelp() {
    int exitCode = run("validate", "--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("Usage: neuron-explainer validate")
        .contains("--rewrite=DIR")
        .contains("explanations/L/N.jsonl");
  }

  @Test
  void aRewriteFolderThatIsAFileIsRefusedBeforeAnyFileIsRead() throws Exception {
    Path file = Files.writeString(dir.resolve("out.txt"), "x");

    assertThat(run("validate", "--rewrite", file.toString(), data.toString())).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .isEqualTo(
            "validate: --rewrite "
                + file
                + ": is a file, not a directory"
                + System.lineSeparator());
  }
}
