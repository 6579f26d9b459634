package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.capture.SmokeModel;
import org.neuronexplainer.cli.pipeline.broker.BrokerJars;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.worker.capture.Gpt2Config;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint;
import org.neuronexplainer.worker.capture.SaeFixture;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;
import org.neuronexplainer.worker.capture.tokenizer.TinyTokenizers;

/**
 * The {@code run} command itself, as a user types it, on the subjects beyond GPT-2's MLP neurons: a
 * tiny Llama with a SentencePiece tokenizer, and an SAE over the smoke GPT-2. Each is a real
 * process with its own broker, capture, collate and explain-and-score through Kafka.
 */
class RunSubjectsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private RunProcesses runs;
  private Path projectHome;

  @BeforeEach
  void processes() {
    projectHome = BrokerJars.builtOrSkip().toAbsolutePath().resolve("../../../..").normalize();
    runs = new RunProcesses(dir, projectHome);
  }

  @AfterEach
  void leaveNothingBehind() throws Exception {
    runs.close();
  }

  /** Runs {@code run --json ARGS} to its end; returns its JSON summary. */
  private JsonNode run(String name, String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "--json";
    System.arraycopy(args, 0, all, 1, args.length);
    Process process = runs.start(name, all);
    assertThat(process.waitFor(5, TimeUnit.MINUTES))
        .as(name + " ended; log:\n" + runs.log(name))
        .isTrue();
    assertThat(process.exitValue()).as(name + " log:\n" + runs.log(name)).isZero();
    return JSON.readTree(Files.readString(dir.resolve(name + ".out")));
  }

  @Test
  void runCapturesALlamaModelAndAnSaeOverGpt2AndExplainsThem() throws Exception {
    Path llama = dir.resolve("llama");
    new RandomLlamaCheckpoint(
            RandomLlamaCheckpoint.Variant.LLAMA3,
            2,
            32,
            48,
            4,
            2,
            512,
            64,
            0.2,
            8,
            TensorDtype.BF16,
            2)
        .write(llama, dir.resolve("no-tokenizer"));
    TinyTokenizers.writeSentencePiece(llama);

    JsonNode first =
        run(
            "llama",
            "--capture",
            "--model",
            llama.toString(),
            "--context",
            "16",
            "--neurons",
            "0-9");
    assertThat(first.get("state").asText()).isEqualTo("succeeded");
    assertThat(first.get("done").asInt()).isEqualTo(20);
    Path store = dir.resolve("store");
    DatasetSubject model =
        DatasetSubject.fromJson(Files.readAllBytes(store.resolve("subject.json")), "subject.json");
    assertThat(model.architecture()).isEqualTo("LlamaForCausalLM");
    for (int layer = 0; layer < 2; layer++) {
      assertThat(store.resolve("explanations/" + layer + "/9.jsonl")).exists();
    }

    // The smoke GPT-2, and an SAE reading the residual stream after its layer 1.
    System.setProperty("neuron.explainer.home", projectHome.toString());
    System.setProperty("neuron.explainer.cache", dir.resolve("cache").toString());
    Path gpt2;
    try {
      gpt2 = SmokeModel.ensure();
    } finally {
      System.clearProperty("neuron.explainer.home");
      System.clearProperty("neuron.explainer.cache");
    }
    Path sae =
        SaeFixture.random(
                "jumprelu",
                "blocks.1.hook_resid_post",
                Gpt2Config.read(gpt2.resolve("config.json")),
                16,
                2)
            .withDeadLatent(3)
            .write(dir.resolve("sae"));
    JsonNode second =
        run(
            "sae",
            "--capture",
            "--model",
            gpt2.toString(),
            "--sae",
            "res-1=" + sae,
            "--context",
            "16");
    assertThat(second.get("state").asText()).isEqualTo("succeeded");
    assertThat(second.get("view").asText())
        .isEqualTo(store.resolve("saes/res-1/explanations").toString());
    DatasetSubject latents =
        DatasetSubject.fromJson(
            Files.readAllBytes(store.resolve("saes/res-1/subject.json")), "subject.json");
    assertThat(latents.deadLatents()).contains(3);
    assertThat(store.resolve("saes/res-1/collated-activations/1/3.json")).doesNotExist();
    for (int latent = 0; latent < 16; latent++) {
      assertThat(Files.exists(store.resolve("saes/res-1/explanations/1/" + latent + ".jsonl")))
          .as("latent %d explained", latent)
          .isEqualTo(!latents.deadLatents().contains(latent));
    }
    assertThat(second.get("skipped").asInt()).isEqualTo(latents.deadLatents().size());
    assertThat(second.get("done").asInt() + second.get("skipped").asInt()).isEqualTo(16);
    assertThat(runs.log("sae")).contains("dead latents skipped");
  }
}
