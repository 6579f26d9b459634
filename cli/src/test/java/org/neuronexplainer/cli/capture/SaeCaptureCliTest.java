package org.neuronexplainer.cli.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.SaeFixture;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import picocli.CommandLine;

/** {@code capture --sae} and {@code collate --sae} on the tiny GPT-2 with generated SAEs. */
class SaeCaptureCliTest {
  private static final Path MODEL = Fixtures.hfGpt2Reference();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path corpus;
  private Path res;
  private Path mlp;

  @BeforeEach
  void saes() throws Exception {
    SubjectConfig config;
    try (SubjectModel model = SubjectModel.load(MODEL, ComputeOptions.cpu())) {
      config = model.config();
    }
    res =
        SaeFixture.random("jumprelu", "blocks.1.hook_resid_pre", config, 12, 1)
            .withDeadLatent(4)
            .write(dir.resolve("res-dir"));
    mlp =
        SaeFixture.random("topk", "blocks.1.hook_mlp_out", config, 16, 2)
            .write(dir.resolve("mlp-0"));
    corpus = dir.resolve("corpus.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      text.append("On day ").append(i).append(" the boat went down the river to the sea. ");
    }
    Files.writeString(corpus, text.toString());
  }

  private String[] capture(Path store, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "capture",
                "--model",
                MODEL.toString(),
                "--corpus",
                corpus.toString(),
                "--out",
                store.toString(),
                "--context",
                "16",
                "--top",
                "5",
                "--random",
                "3",
                "--pool",
                "10",
                "--batch",
                "4",
                "--progress",
                "none",
                "--device",
                "cpu"));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  @Test
  void twoSaesAreCapturedIntoTheirFoldersAndTheirDeadLatentsReported() throws Exception {
    Path store = dir.resolve("store");
    assertThat(run(capture(store, "--sae", "res=" + res, "--sae", mlp.toString())))
        .as(err.toString())
        .isZero();

    assertThat(out.toString())
        .contains("of 2 SAEs")
        .contains("SAE res (jumprelu, blocks.1.hook_resid_pre): ")
        .contains("SAE mlp-0 (topk, blocks.1.hook_mlp_out): ");
    DatasetSubject subject =
        DatasetSubject.fromJson(Files.readAllBytes(store.resolve("saes/res/subject.json")), "s");
    assertThat(subject.deadLatents()).contains(4);
    assertThat(subject.saeSource()).isEqualTo(res.toString());
    assertThat(store.resolve("saes/res/collated-activations/1/4.json")).doesNotExist();
    assertThat(store.resolve("saes/mlp-0/subject.json")).exists();
    assertThat(store.resolve("collated-activations")).doesNotExist();
    assertThat(
            run("validate", "--quiet", store.resolve("saes/mlp-0/collated-activations").toString()))
        .as(err.toString())
        .isZero();
  }

  @Test
  void aShardedSaeRunCollatesWithTheSaeNamed() throws Exception {
    Path store = dir.resolve("sharded");
    assertThat(run(capture(store, "--sae", "res=" + res, "--shard", "0/2")))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("collate --store " + store + " --run capture --sae res");
    assertThat(run(capture(store, "--sae", "res=" + res, "--shard", "1/2")))
        .as(err.toString())
        .isZero();
    assertThat(run("collate", "--store", store.toString(), "--run", "capture", "--sae", "res"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("latents dead");
    assertThat(store.resolve("saes/res/subject.json")).exists();
    assertThat(store.resolve("saes/res/collated-activations/1/0.json")).exists();
  }

  @Test
  void badSaesAreRefusedByNameBeforeAnyWork() throws Exception {
    Path store = dir.resolve("bad");
    SubjectConfig wide = new WideConfig();
    Path tooWide =
        SaeFixture.random("standard", "blocks.0.hook_resid_post", wide, 8, 3)
            .write(dir.resolve("wide"));
    expectError(
        store, "SAE wide reads blocks.0.hook_resid_post with d_in 64", "--sae", tooWide.toString());
    expectError(store, "two --sae are named res", "--sae", "res=" + res, "--sae", "res=" + mlp);
    expectError(
        store,
        "reads one SAE per run",
        "--sae",
        res.toString(),
        "--sae",
        mlp.toString(),
        "--partials-only");
    expectError(
        store, "SAE empty:", "--sae", "empty=" + Files.createDirectories(dir.resolve("empty")));
    expectError(
        store, "--layers does not apply with --sae", "--sae", res.toString(), "--layers", "1");
    assertThat(store.resolve("saes")).doesNotExist();
  }

  private void expectError(Path store, String message, String... extra) {
    err.getBuffer().setLength(0);
    assertThat(run(capture(store, extra))).isNotZero();
    assertThat(err.toString()).contains(message).doesNotContain("Exception");
  }

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  /** A model shape whose hidden size is not the fixture's, to make an SAE that does not fit. */
  private static final class WideConfig implements SubjectConfig {
    public String architecture() {
      return "GPT2LMHeadModel";
    }

    public int layers() {
      return 2;
    }

    public int neurons() {
      return 256;
    }

    public int hiddenSize() {
      return 64;
    }

    public int vocabSize() {
      return 512;
    }

    public int positions() {
      return 64;
    }

    public String neuronActivation() {
      return "gelu_new";
    }
  }
}
