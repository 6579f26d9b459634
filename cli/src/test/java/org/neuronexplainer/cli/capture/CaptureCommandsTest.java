package org.neuronexplainer.cli.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import picocli.CommandLine;

/** The tokenize and activations commands on the Hugging Face GPT-2 fixture. */
class CaptureCommandsTest {
  private static final Path MODEL = Fixtures.hfGpt2Reference();
  private static final Path REFERENCE = MODEL.resolve("reference-activations.safetensors");

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void activationsFromASafetensorsInputMatchHuggingFace() {
    // Batches of 3 and 1 (a shorter last batch gets arrays of its own), and of 1 (every batch
    // reuses the first one's arrays, each written out before the next pass overwrites them).
    for (String batch : new String[] {"3", "1"}) {
      Path output = dir.resolve("acts-" + batch + ".safetensors");
      int code =
          activations(
              MODEL,
              REFERENCE,
              output,
              "--layers",
              "0-1",
              "--logits",
              "--batch",
              batch,
              "--device",
              "cpu");
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("4 sequences x 32 tokens");

      try (SafetensorsFile written = SafetensorsFile.open(output);
          SafetensorsFile reference = SafetensorsFile.open(REFERENCE)) {
        assertThat(written.entries().keySet())
            .containsExactly("input_ids", "mlp_post_act.0", "mlp_post_act.1", "logits");
        assertThat(written.longs("input_ids")).containsExactly(reference.longs("input_ids"));
        for (String name : new String[] {"mlp_post_act.0", "mlp_post_act.1", "logits"}) {
          assertThat(written.entry(name).orElseThrow().shape())
              .containsExactly(reference.entry(name).orElseThrow().shape());
          assertThat(tensor(written, name).maxAbsDiff(tensor(reference, name)))
              .as("%s, batch %s", name, batch)
              .isLessThan(1e-4);
        }
      }
    }
    assertThat(dir.toFile().list())
        .containsExactlyInAnyOrder("acts-3.safetensors", "acts-1.safetensors");
  }

  @Test
  void activationsOfALlamaAreItsMlpNeuronsAndMatchHuggingFace() {
    Path llama = Fixtures.hfLlamaReference();
    Path reference = llama.resolve("reference-activations.safetensors");
    Path output = dir.resolve("llama.safetensors");
    int code = activations(llama, reference, output, "--logits", "--batch", "2", "--device", "cpu");
    assertThat(code).as(err.toString()).isZero();
    try (SafetensorsFile written = SafetensorsFile.open(output);
        SafetensorsFile expected = SafetensorsFile.open(reference)) {
      assertThat(written.entries().keySet())
          .containsExactly("input_ids", "mlp_neurons.0", "mlp_neurons.1", "logits");
      assertThat(written.metadata())
          .containsEntry("architecture", "LlamaForCausalLM")
          .containsEntry("activation", "silu(gate_proj) * up_proj");
      for (String name : new String[] {"mlp_neurons.0", "mlp_neurons.1", "logits"}) {
        FloatTensor actual = tensor(written, name);
        FloatTensor hf = tensor(expected, name);
        assertThat(actual.shape()).containsExactly(hf.shape());
        // Per element, relative to max(|expected|, 1): these values reach tens.
        double worst = 0;
        for (int i = 0; i < hf.data().length; i++) {
          double b = hf.data()[i];
          worst = Math.max(worst, Math.abs(actual.data()[i] - b) / Math.max(Math.abs(b), 1));
        }
        assertThat(worst).as(name).isLessThan(1e-4);
      }
    }
  }

  @Test
  void createModelWritesALlamaFamilyCheckpointThatActivationsRuns() throws Exception {
    System.setProperty("neuron.explainer.home", Path.of("..").toAbsolutePath().toString());
    try {
      Path model = dir.resolve("mistral");
      int code =
          run(
              "create-model",
              "--out",
              model.toString(),
              "--architecture",
              "mistral",
              "--layers",
              "2",
              "--width",
              "32",
              "--heads",
              "4",
              "--kv-heads",
              "2",
              "--positions",
              "64",
              "--dtype",
              "bf16",
              "--shards",
              "2");
      assertThat(code).as(err.toString()).isZero();
      assertThat(model.resolve("model.safetensors.index.json")).exists();
      Path tokens = dir.resolve("tokens.json");
      Files.writeString(tokens, "[[83, 258, 269, 265]]");
      Path output = dir.resolve("acts.safetensors");
      assertThat(activations(model, tokens, output, "--layers", "1")).as(err.toString()).isZero();
      try (SafetensorsFile written = SafetensorsFile.open(output)) {
        assertThat(written.entry("mlp_neurons.1").orElseThrow().shape()).containsExactly(1, 4, 128);
      }
      assertThat(run("create-model", "--out", model.toString(), "--architecture", "gemma"))
          .isNotZero();
      assertThat(err.toString()).contains("unknown architecture gemma");
    } finally {
      System.clearProperty("neuron.explainer.home");
    }
  }

  @Test
  void activationsFromJsonForOneLayerWithoutLogits() throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, "[[83, 258, 269, 265], [1, 2, 3, 4]]");
    Path output = dir.resolve("acts.safetensors");
    int code = activations(MODEL, tokens, output, "--layers", "1");
    assertThat(code).as(err.toString()).isZero();
    try (SafetensorsFile written = SafetensorsFile.open(output)) {
      assertThat(written.entries().keySet()).containsExactly("input_ids", "mlp_post_act.1");
      assertThat(written.entry("mlp_post_act.1").orElseThrow().shape()).containsExactly(2, 4, 192);
    }
  }

  @Test
  void badInputStopsWithAMessageAndWritesNothing() throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, "[[1, 2], [3, 999]]");
    Path output = dir.resolve("acts.safetensors");
    int code = activations(MODEL, tokens, output);
    assertThat(code).isNotZero();
    assertThat(err.toString())
        .contains("token id 999 at sequence 1, position 1 is outside the vocabulary (0..511)")
        .doesNotContain("Exception");
    assertThat(output).doesNotExist();

    Files.writeString(tokens, "[[1, 2]]");
    code = activations(MODEL, tokens, output, "--layers", "2");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("layer 2 does not exist");

    code = activations(dir, tokens, output);
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("has no config.json");
    assertThat(output).doesNotExist();

    code = activations(Path.of("./no-such-checkpoint"), tokens, output);
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("--model ./no-such-checkpoint: no such directory");

    code = activations(MODEL, tokens, output, "--precision", "bf16");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("bfloat16 is not available");
    assertThat(output).doesNotExist();
  }

  @Test
  void tokenizePrintsIdsAndTokenStrings() throws Exception {
    int code = run("tokenize", "--model", MODEL.toString(), "--json", "the cat", " café");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get(0).path("ids").toString()).isEqualTo("[83,258,269,265]");
    assertThat(json.get(0).path("tokens").toString()).isEqualTo("[\"t\",\"he\",\" c\",\"at\"]");
    assertThat(json.get(1).path("tokens").toString()).isEqualTo("[\" c\",\"a\",\"f\",\"\",\"é\"]");

    out.getBuffer().setLength(0);
    assertThat(run("tokenize", "--model", MODEL.toString(), "the cat")).isZero();
    assertThat(out.toString()).contains("4 tokens").contains("     269  \" c\"");
  }

  /** Runs {@code activations --model M --tokens T --out O} with further options. */
  private int activations(Path model, Path tokens, Path output, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "activations",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                output.toString()));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private static FloatTensor tensor(SafetensorsFile file, String name) {
    long[] shape = file.entry(name).orElseThrow().shape();
    return new FloatTensor(
        Arrays.stream(shape).mapToInt(Math::toIntExact).toArray(), file.floats(name));
  }
}
