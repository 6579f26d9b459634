package org.neuronexplainer.cli.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;
import org.neuronexplainer.worker.capture.stats.StatsMemory;
import picocli.CommandLine;

/** capture, collate and weights on the tiny GPT-2 fixture. */
class CaptureCliTest {
  private static final Path MODEL = Fixtures.hfGpt2Reference();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Path corpus() throws Exception {
    Path file = dir.resolve("corpus.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      text.append("On day ").append(i).append(" the boat went down the river to the sea. ");
    }
    Files.writeString(file, text.toString());
    return file;
  }

  private String[] capture(Path store, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "capture",
                "--model",
                MODEL.toString(),
                "--corpus",
                corpus().toString(),
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
                "--layers",
                "1",
                "--neurons",
                "0-3",
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
  void captureWritesThePublicLayoutAndShardsCollateToTheSameBytes() throws Exception {
    Path single = dir.resolve("single");
    assertThat(run(capture(single))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("wrote 4 NeuronRecords");
    Path record = single.resolve("collated-activations/1/2.json");
    NeuronRecord read = DatasetJson.read(record, NeuronRecord.class);
    assertThat(read.mostPositiveActivationRecords()).hasSize(5);
    assertThat(read.randomSampleByQuantile()).hasSize(5);
    assertThat(single.resolve("related-tokens/activation-based/1/3.json")).exists();
    assertThat(single.resolve("runs/capture/collated.json")).exists();
    // The whole model's size although one layer was captured: 2 layers of 4 x 48 neurons.
    assertThat(Files.readString(single.resolve("model.json")))
        .isEqualTo("{\"layers\": 2, \"neurons_per_layer\": 192}\n");
    assertThat(run("validate", "--quiet", single.resolve("collated-activations").toString()))
        .as(err.toString())
        .isZero();

    Path sharded = dir.resolve("sharded");
    assertThat(run(capture(sharded, "--shard", "0/2"))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("run `collate --store");
    assertThat(run("collate", "--store", sharded.toString(), "--run", "capture")).isNotZero();
    assertThat(err.toString()).contains("is not complete: missing 1 partials");
    assertThat(run(capture(sharded, "--shard", "1/2"))).as(err.toString()).isZero();
    assertThat(run("collate", "--store", sharded.toString(), "--run", "capture"))
        .as(err.toString())
        .isZero();
    Map<String, byte[]> expected = files(single, "collated-activations", "related-tokens");
    Map<String, byte[]> actual = files(sharded, "collated-activations", "related-tokens");
    assertThat(actual.keySet()).isEqualTo(expected.keySet()).hasSize(8);
    expected.forEach((key, bytes) -> assertThat(actual.get(key)).as(key).isEqualTo(bytes));
  }

  /** A small bench run on the test model, with {@code extra} options. */
  private int smallBench(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "capture",
                "--model",
                MODEL.toString(),
                "--context",
                "8",
                "--excerpts",
                "4",
                "--batch",
                "2",
                "--rounds",
                "1",
                "--warm-up",
                "3",
                "--device",
                "cpu"));
    args.addAll(List.of(extra));
    return run(args.toArray(new String[0]));
  }

  @Test
  void benchCaptureReportsTheForwardPassAndBothFullCaptures() throws Exception {
    assertThat(smallBench()).as(err.toString()).isZero();
    String report = out.toString();
    assertThat(report)
        .containsPattern("PyTorch \\d+\\.\\d+")
        .containsPattern("forward only: +[0-9.]+ tokens/s")
        .containsPattern("full capture, empty statistics: +[0-9.]+ tokens/s")
        .containsPattern("full capture, continued: +[0-9.]+ tokens/s")
        .containsPattern(
            "full / forward: [0-9.]+% from empty statistics, [0-9.]+% continued after 3 excerpts")
        .containsPattern(
            "median of the rounds' own ratios .*: [0-9.]+% from empty statistics, [0-9.]+%"
                + " continued");
    assertThat(report).contains("(random token ids)").contains("batch: 2 (as set)");
    out.getBuffer().setLength(0);
    assertThat(smallBench("--no-continued")).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern(
            "full / forward: [0-9.]+% from empty statistics \\(by CPU time: [0-9.]+%\\)")
        .containsPattern("waited for statistics after the forward passes \\(s\\): empty [0-9. ]+\n")
        .doesNotContain("continued");
    out.getBuffer().setLength(0);
    String corpus = corpus().toString();
    assertThat(smallBench("--corpus", corpus)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("(cut from 1 corpus file(s))");
    assertThat(
            run(
                "bench",
                "capture",
                "--model",
                MODEL.toString(),
                "--excerpts",
                "100000",
                "--corpus",
                corpus))
        .isNotZero();
    assertThat(err.toString()).containsPattern("the corpus has \\d+ excerpts of 64 tokens");
    assertThat(run("bench", "capture", "--model", MODEL.toString(), "--excerpts", "0")).isNotZero();
    assertThat(run("bench", "capture", "--model", MODEL.toString(), "--warm-up", "-2")).isNotZero();
    assertThat(err.toString()).contains("--warm-up must be 0 or more");
    // Options are checked before the model is looked for.
    err.getBuffer().setLength(0);
    String absent = dir.resolve("absent").toString();
    assertThat(run("bench", "capture", "--model", absent, "--quantiles", "3-pass")).isNotZero();
    assertThat(err.toString())
        .contains("--quantiles 3-pass: expected one-pass or two-pass")
        .doesNotContain(absent);
  }

  @Test
  void benchCaptureSaysWhereTheStatisticsStartAndRefusesWhatCannotRun() {
    assertThat(smallBench("--stats", "device", "--no-continued")).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("device-reduced, then \\w+ statistics")
        .containsPattern("full capture, empty statistics: +[0-9.]+ tokens/s");
    out.getBuffer().setLength(0);
    assertThat(smallBench("--no-continued")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("cpu float32, .*, host \\w+ statistics");
    assertThat(run("bench", "capture", "--model", MODEL.toString(), "--stats", "sideways"))
        .isNotZero();
    assertThat(err.toString()).contains("unknown statistics placement sideways");
    assertThat(run("bench", "capture", "--model", MODEL.toString(), "--precision", "bf16"))
        .isNotZero();
    assertThat(err.toString()).contains("bfloat16 is not available");
    if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
      assertThat(run("bench", "capture", "--model", MODEL.toString(), "--device", "gpu"))
          .isNotZero();
      assertThat(err.toString()).contains("no GPU is present");
    }
  }

  @Test
  void withoutAModelCaptureUsesTheDeterministicSmokeModelAndTheShippedCorpus() throws Exception {
    String home = System.getProperty("neuron.explainer.home");
    String cache = System.getProperty("neuron.explainer.cache");
    System.setProperty("neuron.explainer.home", Path.of("..").toAbsolutePath().toString());
    try {
      System.setProperty("neuron.explainer.cache", dir.resolve("a").toString());
      Path store = dir.resolve("smoke");
      int code =
          run(
              "capture",
              "--out",
              store.toString(),
              "--context",
              "32",
              "--layers",
              "3",
              "--neurons",
              "0-1",
              "--progress",
              "none",
              "--device",
              "cpu");
      assertThat(code).as(err.toString()).isZero();
      assertThat(store.resolve("collated-activations/3/1.json")).exists();
      System.setProperty("neuron.explainer.cache", dir.resolve("b").toString());
      SmokeModel.ensure();
      assertThat(Files.readAllBytes(dir.resolve("b/smoke-model-v1/model.safetensors")))
          .isEqualTo(Files.readAllBytes(dir.resolve("a/smoke-model-v1/model.safetensors")));
    } finally {
      restore("neuron.explainer.home", home);
      restore("neuron.explainer.cache", cache);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void weightsWritesTokenSummariesAndRelatedNeurons() {
    Path store = dir.resolve("weights");
    int code =
        run(
            "weights",
            "--model",
            MODEL.toString(),
            "--out",
            store.toString(),
            "--top",
            "4",
            "--device",
            "cpu");
    assertThat(code).as(err.toString()).isZero();
    assertThat(store.resolve("related-tokens/weight-based/0/191.json")).exists();
    assertThat(store.resolve("related-neurons/weight-based/1/0.json")).exists();
    assertThat(run("validate", "--quiet", store.toString())).as(err.toString()).isZero();
  }

  @Test
  void badInputStopsWithANamedErrorAndWritesNoRecord() throws Exception {
    Path store = dir.resolve("store");
    Path jsonl = dir.resolve("docs.jsonl");
    Files.writeString(jsonl, "{\"text\": \"fine\"}\n{\"text\": 3}\n");
    expectError(store, "docs.jsonl:2: no string field \"text\"", "--corpus", jsonl.toString());
    Files.writeString(jsonl, "{\"text\": \"fine\"}\n\nnot json\n");
    expectError(store, "docs.jsonl:3: not a JSON object", "--corpus", jsonl.toString());
    expectError(
        store, "no such readable corpus file", "--corpus", dir.resolve("absent.txt").toString());
    expectError(store, "layer 2 does not exist", "--layers", "2");
    expectError(store, "neuron 500 does not exist", "--neurons", "0,500");
    expectError(store, "longer than the model's n_positions 64", "--context", "65");
    expectError(store, "--shard 2/2: expected i/n", "--shard", "2/2");
    expectError(store, "--quantiles sometimes: expected", "--quantiles", "sometimes");
    expectError(
        store,
        "--quantiles two-pass runs over the whole corpus in one process",
        "--quantiles",
        "two-pass",
        "--shard",
        "0/2");
    expectError(store, "--quantile-keys must not be negative", "--quantile-keys", "-1");

    Path broken = dir.resolve("broken");
    Files.createDirectories(broken);
    for (String name : new String[] {"config.json", "vocab.json", "merges.txt"}) {
      Files.copy(MODEL.resolve(name), broken.resolve(name));
    }
    try (SafetensorsWriter writer =
        SafetensorsWriter.create(
            broken.resolve("model.safetensors"),
            List.of(TensorSpec.f32("wte.weight", 512, 48)),
            Map.of())) {
      writer.writeFloats("wte.weight", 0, new float[512 * 48]);
      writer.commit();
    }
    expectError(store, "missing tensor wpe.weight", "--model", broken.toString());
  }

  @Test
  void anOutThatIsAFileIsNamedAsOneBeforeTheModelLoads() throws Exception {
    Path file = Files.writeString(dir.resolve("store.txt"), "not a store");

    assertThat(run(capture(file))).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "capture: --out " + file + ": is a file, not a directory" + System.lineSeparator());

    err.getBuffer().setLength(0);
    Path under = file.resolve("store");
    assertThat(run(capture(under))).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "capture: --out "
                + under
                + ": cannot be created: "
                + file
                + " is a file, not a directory"
                + System.lineSeparator());
  }

  @Test
  void statisticsThatWouldNotFitTheHeapAreRefusedBeforeAnyForwardPass() throws Exception {
    Path store = dir.resolve("store");
    String share = System.getProperty(StatsMemory.SHARE_PROPERTY);
    try {
      // A share so small that the statistics of even one layer do not fit.
      System.setProperty(StatsMemory.SHARE_PROPERTY, "1e-9");
      expectError(store, "the capture statistics need about");
      assertThat(err.toString())
          .contains("more than the 0.0 GiB this JVM can give them")
          .contains("NEURON_EXPLAINER_JAVA_OPTS=-Xmx");
      assertThat(store.resolve("runs")).doesNotExist();
      System.setProperty(StatsMemory.SHARE_PROPERTY, "2");
      expectError(store, "neuron.explainer.capture.heap-share=2: expected a share of the heap");
    } finally {
      restore(StatsMemory.SHARE_PROPERTY, share);
    }
  }

  private void expectError(Path store, String message, String... override) throws Exception {
    String[] args = capture(store);
    List<String> list = new ArrayList<>(List.of(args));
    for (int i = 0; i < override.length; i += 2) {
      int at = list.indexOf(override[i]);
      if (at >= 0) {
        list.set(at + 1, override[i + 1]);
      } else {
        list.add(override[i]);
        list.add(override[i + 1]);
      }
    }
    err.getBuffer().setLength(0);
    assertThat(run(list.toArray(new String[0]))).isNotZero();
    assertThat(err.toString()).contains(message).doesNotContain("Exception");
    assertThat(store.resolve("collated-activations")).doesNotExist();
    assertThat(store.resolve("runs/capture/collated.json")).doesNotExist();
  }

  private static Map<String, byte[]> files(Path root, String... folders) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    for (String folder : folders) {
      try (Stream<Path> walk = Files.walk(root.resolve(folder))) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          files.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
