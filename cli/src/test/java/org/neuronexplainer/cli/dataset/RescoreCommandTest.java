package org.neuronexplainer.cli.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationMetrics;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronId;
import picocli.CommandLine;

class RescoreCommandTest {
  /** The shipped examples, in the public layout (cli/ is the working directory of the tests). */
  private static final Path EXAMPLES = Path.of("..", "examples", "explanations");

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
  void tableListsEveryExampleWithStoredAndRecomputedScores() {
    int exit = run("rescore", EXAMPLES.toString());

    assertThat(exit).isZero();
    assertThat(err.toString()).isEmpty();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).contains("stored", "all", "top", "random", "explanation");
    // Layer 9 sorts before layer 14 and 21: directories are read in numeric order.
    assertThat(lines.subList(1, 5))
        .extracting(line -> line.split("\\s+")[0])
        .containsExactly("6:1017", "9:388", "14:2203", "21:2932");
    assertThat(lines.get(4)).startsWith("21:2932").contains("0.971   0.971").doesNotContain("!");
    // The constant simulation has no defined correlation.
    assertThat(lines.get(2)).matches("9:388\\s+-\\s+-\\s+-\\s+-\\s+the word.*");
    assertThat(out.toString()).contains("4 explanations in 4 files", "2 at or above 0.8");
    // Every stored score is reproduced by the recomputation.
    assertThat(out.toString()).doesNotContain("!").doesNotContain("differ from");
  }

  @Test
  void classificationFilesAreRescoredFromTheirStoredAnswers() throws Exception {
    List<ClassifiedExcerpt> excerpts =
        List.of(
            new ClassifiedExcerpt(
                "top:0", "activating", List.of(" Monday"), List.of(), true, true, 0.9),
            new ClassifiedExcerpt(
                "top:1", "activating", List.of(" Friday"), List.of(), true, false, 0.4),
            new ClassifiedExcerpt(
                "random:0", "random", List.of(" cat"), List.of(), false, false, 0.1),
            new ClassifiedExcerpt(
                "random:1", "random", List.of(" dog"), List.of(), false, true, 0.6));
    ClassifiedExplanation right = ClassifiedExplanation.of("days of the week", excerpts);
    // A file whose stored metrics were changed by hand: the answers give other ones.
    ClassifiedExplanation tampered =
        new ClassifiedExplanation(
            "weekdays", excerpts, ClassificationMetrics.of(excerpts.subList(0, 1)));
    Path folder = Files.createDirectories(dir.resolve("classifications/detection/3"));
    Files.write(
        folder.resolve("7.json"),
        ClassificationJson.toBytes(
            ClassificationResults.of(
                ClassifierKind.DETECTION, new NeuronId(3, 7), List.of(right, tampered))));

    assertThat(run("rescore", dir.resolve("classifications").toString())).isZero();
    List<String> lines = out.toString().lines().toList();
    // 2 of 4 right: balanced accuracy 0.5, F1 0.5; AUROC from the probabilities 0.75.
    assertThat(lines.get(0))
        .contains("3:7 detection \"days of the week\"", "balanced accuracy 0.500", "F1 0.500")
        .contains("AUROC 0.750")
        .doesNotContain("!");
    assertThat(lines.get(1)).contains("\"weekdays\"").contains("! stored metrics differ");
    assertThat(out.toString()).contains("classification: 2 explanations, 1 whose stored metrics");

    out.getBuffer().setLength(0);
    assertThat(run("rescore", "--json", dir.resolve("classifications").toString())).isZero();
    JsonNode first = new ObjectMapper().readTree(out.toString().lines().findFirst().orElseThrow());
    assertThat(first.get("scorer").asText()).isEqualTo("detection");
    assertThat(first.at("/recomputed/auroc").asDouble()).isEqualTo(0.75);
    assertThat(first.get("reproduced").asBoolean()).isTrue();

    Files.writeString(folder.resolve("8.json"), "{\"version\": 2}");
    out.getBuffer().setLength(0);
    assertThat(run("rescore", dir.resolve("classifications").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("FAIL", "8.json");
  }

  @Test
  void jsonGivesAllThreeScoresForEachPartAndASummary() throws Exception {
    int exit = run("rescore", "--json", EXAMPLES.toString());

    assertThat(exit).isZero();
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = out.toString().lines().map(line -> read(mapper, line)).toList();
    assertThat(lines).hasSize(5);
    JsonNode canada = lines.get(3);
    assertThat(canada.get("layer").asInt()).isEqualTo(21);
    assertThat(canada.get("neuron").asInt()).isEqualTo(2932);
    assertThat(canada.get("explanation").asText()).startsWith("references to Canada");
    for (String part : List.of("all", "top", "random")) {
      assertThat(canada.at("/recomputed/" + part).fieldNames())
          .toIterable()
          .containsExactly(
              "ev_correlation_score", "rsquared_score", "absolute_dev_explained_score");
    }
    assertThat(canada.at("/recomputed/all/ev_correlation_score").asDouble())
        .isEqualTo(canada.at("/stored/ev_correlation_score").asDouble());
    assertThat(lines.get(1).at("/recomputed/all/ev_correlation_score").isNull()).isTrue();
    JsonNode summary = lines.get(4).get("summary");
    assertThat(summary.get("explanations").asInt()).isEqualTo(4);
    assertThat(summary.get("scored").asInt()).isEqualTo(3);
    assertThat(summary.get("at_or_above_0_8").asInt()).isEqualTo(2);
    assertThat(summary.get("files_failed").asInt()).isZero();
  }

  @Test
  void tamperedStoredScoreIsFlagged() throws Exception {
    Path file = dir.resolve("explanations/21/2932.jsonl");
    Files.createDirectories(file.getParent());
    String original = Files.readString(EXAMPLES.resolve("21/2932.jsonl"));
    String tampered =
        original.replaceFirst(
            "(\"ev_correlation_score\":)([-0-9.e]+)(,\"rsquared_score\":[-0-9.e]+,\"absolute_dev_explained_score\":[-0-9.e]+,\"dataclass_name\":\"ScoredSimulation\")",
            "$10.5$3");
    assertThat(tampered).isNotEqualTo(original);
    Files.writeString(file, tampered);

    int exit = run("rescore", dir.toString());

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("0.500!").contains("1 stored scores (marked !)");
  }

  @Test
  void brokenFileIsReportedAndTheOthersStillScored() throws Exception {
    Path good = dir.resolve("explanations/6/1017.jsonl");
    Path broken = dir.resolve("explanations/7/1.jsonl");
    Files.createDirectories(good.getParent());
    Files.createDirectories(broken.getParent());
    Files.copy(EXAMPLES.resolve("6/1017.jsonl"), good);
    Files.writeString(broken, "{\"neuron_id\": {\"layer_index\": 7, \"neuron_index\": 1},\n");

    int exit = run("rescore", dir.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("FAIL", "1.jsonl", "malformed JSON");
    assertThat(out.toString()).contains("6:1017").contains("1 files could not be read");
  }

  @Test
  void missingPathIsAUserError() {
    int exit = run("rescore", dir.resolve("nowhere").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("no such file or directory").doesNotContain("Exception");
  }

  private static JsonNode read(ObjectMapper mapper, String line) {
    try {
      return mapper.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
