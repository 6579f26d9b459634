package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.texts.PromptTexts;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class RunSpecOptionsTest {

  private static ApiCommands.Submit submit(String... args) {
    ApiCommands.Submit submit = new ApiCommands.Submit();
    new CommandLine(submit).parseArgs(args);
    return submit;
  }

  @Test
  void aSubmittedSpecWithQuotesAndControlCharactersReadsBackAsTheSameSpec() throws Exception {
    String model = "gpt \"4\"\u0001\n\\end\t";
    String corpus = "dir/\"odd\"\u001f name.txt";
    ObjectNode body =
        submit(
                "--run-id", "r-1",
                "--layers", "0-3,7",
                "--llm-model", model,
                "--model", "models/\u0007gpt2",
                "--corpus", corpus)
            .body();
    String sent = body.toString();
    assertThat(sent).doesNotContain("\u0001").doesNotContain("\n").doesNotContain("\u0007");

    RunSpec read = new ObjectMapper().readValue(sent, RunSpec.class);
    assertThat(read.runId()).isEqualTo("r-1");
    assertThat(read.llmModel()).isEqualTo(model);
    assertThat(read.layers()).isEqualTo("0-3,7");
    assertThat(read.capture().model()).isEqualTo("models/\u0007gpt2");
    assertThat(read.capture().corpus()).containsExactly(corpus);
    assertThat(read.source()).isEqualTo("capture");
  }

  @Test
  void saeNamesTheDatasetAndWithACaptureTheDirectoryToo(@TempDir Path dir) throws Exception {
    Path saeDir = Files.createDirectories(dir.resolve("res-3"));
    RunSpec captured =
        new ObjectMapper()
            .readValue(
                submit(
                        "--run-id",
                        "s-1",
                        "--model",
                        "m",
                        "--corpus",
                        "c.txt",
                        "--sae",
                        saeDir.toString())
                    .body()
                    .toString(),
                RunSpec.class);
    assertThat(captured.sae()).isEqualTo("res-3");
    assertThat(captured.dataset()).isEqualTo("saes/res-3/");
    assertThat(captured.capture().sae()).isEqualTo(saeDir.toAbsolutePath().toString());

    RunSpec named =
        new ObjectMapper()
            .readValue(
                submit(
                        "--run-id",
                        "s-2",
                        "--model",
                        "m",
                        "--corpus",
                        "c.txt",
                        "--sae",
                        "mine=/far/away")
                    .body()
                    .toString(),
                RunSpec.class);
    assertThat(named.sae()).isEqualTo("mine");
    assertThat(named.capture().sae()).as("not here: as given").isEqualTo("/far/away");

    String ref = "hf:jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre";
    RunSpec fromHub =
        new ObjectMapper()
            .readValue(
                submit("--run-id", "s-6", "--model", "gpt2", "--corpus", "c.txt", "--sae", ref)
                    .body()
                    .toString(),
                RunSpec.class);
    assertThat(fromHub.sae()).isEqualTo("blocks.8.hook_resid_pre");
    assertThat(fromHub.capture().sae()).as("the workers download it").isEqualTo(ref);
    assertThatThrownBy(
            () ->
                submit("--run-id", "s-7", "--model", "m", "--corpus", "c", "--sae", "hf:gpt2")
                    .body())
        .hasMessageContaining("owner/repository");

    RunSpec overStore =
        new ObjectMapper()
            .readValue(
                submit("--run-id", "s-3", "--sae", "res-3").body().toString(), RunSpec.class);
    assertThat(overStore.sae()).isEqualTo("res-3");
    assertThat(overStore.capture()).isNull();

    assertThatThrownBy(() -> submit("--run-id", "s-4", "--sae", "saes/res-3").body())
        .isInstanceOf(UserException.class)
        .hasMessageContaining("give the NAME of an SAE dataset");
    assertThatThrownBy(
            () ->
                submit("--run-id", "s-5", "--model", "m", "--corpus", "c", "--sae", "bad name=x")
                    .body())
        .hasMessageContaining("malformed SAE name");
  }

  @Test
  void batchApiAsksForBatchPricedCallsAndIsLeftOutWithout() throws Exception {
    ObjectNode batched = submit("--run-id", "b-1", "--batch-api").body();
    assertThat(batched.get("batch").asBoolean()).isTrue();
    assertThat(new ObjectMapper().readValue(batched.toString(), RunSpec.class).batch()).isTrue();
    ObjectNode plain = submit("--run-id", "b-2").body();
    assertThat(plain.has("batch")).as("a spec as it always was").isFalse();
    assertThat(new ObjectMapper().readValue(plain.toString(), RunSpec.class).batch()).isFalse();
  }

  @Test
  void scorersGoWithTheSpecOnlyWhenChosenAndAnUnknownOneIsRefusedWithTheValidNames()
      throws Exception {
    ObjectNode plain = submit("--run-id", "s-1").body();
    assertThat(plain.has("scorers")).as("a spec as it always was").isFalse();
    assertThat(new ObjectMapper().readValue(plain.toString(), RunSpec.class).scorerNames())
        .containsExactly("simulation");
    ObjectNode all = submit("--run-id", "s-2", "--scorers", "simulation,Detection, fuzzing").body();
    RunSpec read = new ObjectMapper().readValue(all.toString(), RunSpec.class);
    assertThat(read.scorers()).containsExactly("simulation", "detection", "fuzzing");
    assertThat(read.methodVersion()).endsWith("|scorers=simulation,detection,fuzzing");
    assertThatThrownBy(() -> submit("--scorers", "simulation,judge").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--scorers: unknown scorer \"judge\": expected one of simulation, detection,"
                + " fuzzing");
    assertThatThrownBy(() -> submit("--scorers", "detection").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith("--scorers: scorers must start with simulation");
  }

  @Test
  void refinementGoesWithTheSpecOnlyWhenAskedForAndReadsBack() throws Exception {
    ObjectNode plain = submit("--run-id", "k-1").body();
    assertThat(plain.has("refinement")).as("a spec as it always was").isFalse();
    ObjectNode asked =
        submit(
                "--run-id",
                "k-2",
                "--scorers",
                "simulation,detection",
                "--explanations",
                "8",
                "--revisions",
                "2",
                "--select-by",
                "Detection")
            .body();
    RunSpec read = new ObjectMapper().readValue(asked.toString(), RunSpec.class);
    assertThat(read.refinement()).isEqualTo(new Refinement(8, 2, "detection"));
    assertThat(read.methodVersion()).endsWith("|k=8,revisions=2,by=detection");
    RunSpec revisionsOnly =
        new ObjectMapper()
            .readValue(
                submit("--run-id", "k-3", "--revisions", "1").body().toString(), RunSpec.class);
    assertThat(revisionsOnly.refinement()).isEqualTo(new Refinement(null, 1, "simulation"));
    RunSpec defaults =
        new ObjectMapper()
            .readValue(
                submit("--run-id", "k-4", "--revisions", "0", "--select-by", "simulation")
                    .body()
                    .toString(),
                RunSpec.class);
    assertThat(defaults.refinement())
        .as("what the flags say by default is stored as none")
        .isNull();
  }

  @Test
  void aBadRefinementFlagIsRefusedNamingTheFlagAndWhatToDo() {
    assertThatThrownBy(() -> submit("--explanations", "0").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessage("--explanations: explanations per neuron must be 1 to 20, got 0");
    assertThatThrownBy(() -> submit("--explanations", "21").runSpec.checkSelections())
        .hasMessage("--explanations: explanations per neuron must be 1 to 20, got 21");
    assertThatThrownBy(() -> submit("--revisions", "11").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessage("--revisions: revision rounds must be 0 to 10, got 11");
    assertThatThrownBy(() -> submit("--revisions", "-1").runSpec.checkSelections())
        .hasMessageStartingWith("--revisions: revision rounds must be 0 to 10");
    assertThatThrownBy(() -> submit("--select-by", "judge").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--select-by: unknown scorer \"judge\" to pick the best explanation by: expected one"
                + " of simulation, detection, fuzzing");
    assertThatThrownBy(() -> submit("--select-by", "detection").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith("--select-by detection: add detection to --scorers");
    assertThatThrownBy(
            () -> submit("--scorers", "simulation,fuzzing", "--select-by", "detection").body())
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith("--select-by detection: add detection to --scorers");
  }

  @Test
  void excerptsPerCallAreCheckedAndKeptInTheSpec() {
    assertThatThrownBy(() -> submit("--excerpts-per-call", "0").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessage("--excerpts-per-call: excerpts per call must be 1 to 100, got 0");
    assertThatThrownBy(() -> submit("--excerpts-per-call", "5").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessageEndingWith("add detection or fuzzing to the scorers");
    submit("--scorers", "simulation,detection", "--excerpts-per-call", "5")
        .runSpec
        .checkSelections();
    CommandSpec command = new CommandLine(new ApiCommands.Submit()).getCommandSpec();
    assertThat(help(command, "--excerpts-per-call")).contains("1 to 100").contains("default: 10");
  }

  @Test
  void eachRefinementFlagHasHelpSayingItsRangeAndDefault() {
    CommandSpec command = new CommandLine(new ApiCommands.Submit()).getCommandSpec();
    assertThat(help(command, "--explanations")).contains("1 to 20").contains("default");
    assertThat(help(command, "--revisions")).contains("0 to 10").contains("default: 0");
    assertThat(help(command, "--select-by"))
        .contains("one of --scorers")
        .contains("default: simulation");
  }

  private static String help(CommandSpec command, String name) {
    OptionSpec option = command.findOption(name);
    assertThat(option).as(name).isNotNull();
    return String.join(" ", option.description())
        .replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue()));
  }

  @Test
  void withoutARunIdTheCoordinatorNamesTheRun() {
    ObjectNode body = submit("--neurons", "0-9", "--calibration", "none").body();
    assertThat(body.has("runId")).isFalse();
    assertThat(body.get("source").asText()).isEqualTo("store");
    assertThat(body.get("neurons").asText()).isEqualTo("0-9");
    assertThat(body.get("calibration").asText()).isEqualTo("none");
    assertThat(body.get("maxAttempts").asInt()).isEqualTo(3);
  }

  @Test
  void aBadValueIsAUserErrorNamingTheFlagAndThePart() {
    assertThatThrownBy(() -> submit("--layers", "0-3,x").body())
        .isInstanceOf(UserException.class)
        .hasMessageStartingWith("--layers: 'x' is not an index or a range");
    assertThatThrownBy(() -> submit("--explainer", "oracle").body())
        .isInstanceOf(UserException.class)
        .hasMessageContaining("unknown explainer \"oracle\"");
    assertThatThrownBy(() -> submit("--run-id", "bad id!").body())
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--run-id: malformed run id 'bad id!': a run id is 1-100 letters, digits, '.', '_'"
                + " or '-', starting with a letter or digit");
  }

  @Test
  void thePublishPolicyGoesWithTheSpecAndAnUnknownOneIsRefusedNamingTheFlag() {
    assertThat(submit().body().get("publish").asText()).isEqualTo("latest");
    assertThat(submit("--publish", "BEST").body().get("publish").asText()).isEqualTo("best");
    assertThatThrownBy(() -> submit("--publish", "newest").runSpec.checkSelections())
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--publish: unknown publish policy \"newest\": expected one of latest, best, none");
  }

  @Test
  void runAndSubmitTakeTheSameRunSpecFlagsWithTheSameHelp() {
    CommandSpec run = new CommandLine(new RunCommand()).getCommandSpec();
    CommandSpec submit = new CommandLine(new ApiCommands.Submit()).getCommandSpec();
    List<String> shared =
        List.of(
            "--run-id",
            "--layers",
            "--neurons",
            "--explainer",
            "--simulator",
            "--calibration",
            "--max-attempts",
            "--llm-model",
            "--model",
            "--corpus",
            "--prompt-texts",
            "--few-shot",
            "--explainer-few-shot",
            "--simulator-few-shot",
            "--escape-tokens",
            "--scorers",
            "--explanations",
            "--revisions",
            "--select-by");
    for (String name : shared) {
      OptionSpec inRun = run.findOption(name);
      OptionSpec inSubmit = submit.findOption(name);
      assertThat(inRun).as(name + " in run").isNotNull();
      assertThat(inSubmit).as(name + " in submit").isNotNull();
      if (!name.equals("--llm-model")) {
        assertThat(inSubmit.description()).as(name).isEqualTo(inRun.description());
        assertThat(inSubmit.defaultValue()).as(name).isEqualTo(inRun.defaultValue());
      }
    }
  }

  @Test
  void aSubmittedSpecCarriesThePromptFilesWithTheirHashes(@TempDir Path dir) throws Exception {
    Path texts = dir.resolve("my-texts.json");
    Files.write(texts, PromptTexts.defaultBytes());
    Path set = dir.resolve("tiny.json");
    Files.write(set, FewShotSet.TEST.bytes());

    ObjectNode body =
        submit(
                "--run-id",
                "r",
                "--explainer",
                "token-activation-pair",
                "--simulator",
                "one-at-a-time",
                "--llm-model",
                "m",
                "--prompt-texts",
                texts.toString(),
                "--simulator-few-shot",
                set.toString(),
                "--escape-tokens")
            .body();

    RunSpec read = new ObjectMapper().readValue(body.toString(), RunSpec.class);
    assertThat(read.promptTexts().name()).isEqualTo("my-texts.json");
    assertThat(read.promptTexts().sha256()).isEqualTo(RunInput.sha256(PromptTexts.defaultBytes()));
    assertThat(read.promptTexts().content()).isNotEmpty();
    assertThat(read.simulatorFewShot().name()).isEqualTo("tiny.json");
    // No explainer set was named: the bundled one is recorded, content and all.
    assertThat(read.explainerFewShot().name()).isEqualTo("default:explanation-examples.json");
    assertThat(read.explainerFewShot().sha256())
        .isEqualTo(RunInput.sha256(FewShotSet.EXPLANATION.bytes()));
    assertThat(read.escapeTokens()).isTrue();
  }

  @Test
  void aBaselineRunRecordsNoPromptFiles() throws Exception {
    RunSpec read =
        new ObjectMapper().readValue(submit("--run-id", "b").body().toString(), RunSpec.class);

    assertThat(read.promptTexts()).isNull();
    assertThat(read.explainerFewShot()).isNull();
    assertThat(read.simulatorFewShot()).isNull();
    assertThat(read.escapeTokens()).isFalse();
  }

  @Test
  void aBadPromptFileIsAUsageErrorBeforeTheSpecIsMade(@TempDir Path dir) throws Exception {
    Path texts = dir.resolve("texts.json");
    Files.writeString(texts, "{\"explainer.system\": \"x\"}");

    assertThatThrownBy(() -> submit("--prompt-texts", texts.toString()).body())
        .isInstanceOfSatisfying(UserException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("--prompt-texts: " + texts + ": missing text");
    Path set = dir.resolve("set.json");
    Files.write(set, FewShotSet.EXPLANATION.bytes());
    assertThatThrownBy(
            () ->
                submit(
                        "--simulator",
                        "one-at-a-time",
                        "--llm-model",
                        "m",
                        "--few-shot",
                        set.toString())
                    .body())
        .isInstanceOfSatisfying(UserException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("--few-shot " + set + ": the one-at-a-time simulator needs")
        .hasMessageContaining("single_token_example");
  }
}
