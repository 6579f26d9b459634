package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetJson;

/**
 * Subject records beside {@link ViewerFixture}'s files: the root is GPT-2's MLP neurons, and the
 * SAE {@value #SAE} (JumpReLU, {@value #WIDTH} latents at {@value #HOOK}) has latent 8:5 with a
 * record and an explanation, and latents 3 and 7 dead. Invented data.
 */
final class SaeFixture {

  static final String SAE = "res-8";
  static final String HOOK = "blocks.8.hook_resid_pre";
  static final int LAYER = 8;
  static final int WIDTH = 16;
  static final NeuronId EXPLAINED = new NeuronId(LAYER, 5);
  static final String EXPLANATION = "the names of glaciers and fjords";

  static final DatasetSubject ROOT =
      DatasetSubject.mlpNeurons("gpt2-small-test", "GPT2LMHeadModel", 3072, 240);
  static final DatasetSubject LATENTS =
      new DatasetSubject(
          DatasetSubject.SAE_LATENTS,
          "gpt2-small-test",
          "GPT2LMHeadModel",
          SAE,
          "saes-in/" + SAE,
          "jumprelu",
          HOOK,
          LAYER,
          WIDTH,
          240,
          List.of(3, 7));

  private SaeFixture() {}

  /** Writes the root's subject and the SAE's dataset into {@code root}. */
  static Path write(Path root) throws IOException {
    Files.write(root.resolve(DatasetSubject.KEY), ROOT.toJson());
    writeSae(root, SAE, LATENTS);
    Path sae = root.resolve(DatasetSubject.saeFolder(SAE));
    Path record = sae.resolve("collated-activations/8/5.json");
    Files.createDirectories(record.getParent());
    DatasetJson.writeFile(record, ViewerFixture.record(EXPLAINED));
    Path explanation = sae.resolve("explanations/8/5.jsonl");
    Files.createDirectories(explanation.getParent());
    String canada =
        Files.readString(Path.of("..", "examples", "explanations", "21", "2932.jsonl"))
            .replace(
                "\"layer_index\":21,\"neuron_index\":2932", "\"layer_index\":8,\"neuron_index\":5")
            .replace(
                "references to Canada and Canadian people, places and institutions", EXPLANATION);
    Files.writeString(explanation, canada, StandardCharsets.UTF_8);
    return root;
  }

  /** Writes {@code subject} as the subject record of the SAE folder {@code name}. */
  static void writeSae(Path root, String name, DatasetSubject subject) throws IOException {
    Path file = root.resolve(DatasetSubject.saeFolder(name)).resolve(DatasetSubject.KEY);
    Files.createDirectories(file.getParent());
    Files.write(file, subject.toJson());
  }
}
