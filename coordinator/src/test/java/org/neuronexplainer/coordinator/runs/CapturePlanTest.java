package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.messaging.NeuronBlock;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunSpec;

class CapturePlanTest {

  private static final ModelShape SHAPE = new ModelShape(6, 10);

  private static RunSpec spec(String layers, String neurons, int layersPerJob, int block) {
    CaptureRun capture =
        CaptureRun.of("m", List.of("c.txt"))
            .withShards(3)
            .withLayersPerJob(layersPerJob)
            .withCollateBlock(block)
            .withWeights(CaptureRun.DEFAULT_WEIGHTS_TOP);
    return new RunSpec("r", null, layers, neurons, null, null, null, null, 0).withCapture(capture);
  }

  @Test
  void capturesByLayerRangeAndShardAndCollatesByBlock() {
    CapturePlan plan = CapturePlan.of(spec(null, null, 4, 4), SHAPE);
    assertThat(plan.ranges()).containsExactly(new LayerRange(0, 3), new LayerRange(4, 5));
    assertThat(plan.shards()).isEqualTo(3);
    assertThat(plan.blocks()).hasSize(6 * 3);
    assertThat(plan.blocks().subList(0, 3))
        .containsExactly(
            new NeuronBlock(0, 0, 4), new NeuronBlock(0, 4, 4), new NeuronBlock(0, 8, 2));
    assertThat(plan.neurons()).hasSize(60).startsWith(new NeuronId(0, 0));
    assertThat(plan.weightLayers()).hasSize(6).allMatch(b -> b.first() == 0 && b.count() == 10);
  }

  @Test
  void anSaeRunCapturesTheLayerOfItsHookWithItsLatentsAsUnits() {
    CaptureRun capture =
        CaptureRun.of("m", List.of("c.txt")).withSae("saes/res-2").withCollateBlock(16);
    RunSpec sae =
        new RunSpec("r", null, null, null, null, null, null, null, 0)
            .withSae("res-2")
            .withCapture(capture);
    SaeShape shape = new SaeShape("blocks.2.hook_resid_pre", 2, 40, 8);
    CapturePlan plan = CapturePlan.of(sae, SHAPE, shape);
    assertThat(plan.ranges()).containsExactly(new LayerRange(2, 2));
    assertThat(plan.blocks())
        .containsExactly(
            new NeuronBlock(2, 0, 16), new NeuronBlock(2, 16, 16), new NeuronBlock(2, 32, 8));
    assertThat(plan.neurons()).hasSize(40).endsWith(new NeuronId(2, 39));
    assertThat(plan.weightLayers()).isEmpty();

    RunSpec otherLayer =
        new RunSpec("r", null, "0-3", null, null, null, null, null, 0)
            .withSae("res-2")
            .withCapture(capture);
    assertThatThrownBy(() -> CapturePlan.of(otherLayer, SHAPE, shape))
        .hasMessageContaining("an SAE run captures the layer of its hook, 2");
    RunSpec tooMany =
        new RunSpec("r", null, null, "0-99", null, null, null, null, 0)
            .withSae("res-2")
            .withCapture(capture);
    assertThatThrownBy(() -> CapturePlan.of(tooMany, SHAPE, shape)).hasMessageContaining("latent");
    assertThatThrownBy(
            () -> CapturePlan.of(sae, SHAPE, new SaeShape("blocks.9.hook_resid_post", 9, 40, 8)))
        .hasMessageContaining("blocks.9.hook_resid_post, but the model has layers 0..5");
    assertThatThrownBy(() -> capture.withWeights(20)).hasMessageContaining("capture.weights");
    assertThatThrownBy(() -> CapturePlan.of(sae, new ModelShape(6, 10, 768), shape))
        .hasMessageContaining("reads 8-wide activations (d_in) at blocks.2.hook_resid_pre")
        .hasMessageContaining("residual stream is 768 wide");
  }

  @Test
  void anSaeShapeComesFromItsSaeLensConfig(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("cfg.json"),
        "{\"d_in\": 64, \"d_sae\": 256, \"hook_name\": \"blocks.1.hook_mlp_out\"}");
    assertThat(SaeShape.of(dir.toString()))
        .isEqualTo(new SaeShape("blocks.1.hook_mlp_out", 1, 256, 64));
    Files.writeString(
        dir.resolve("cfg.json"),
        "{\"d_in\": 64, \"d_sae\": 256, \"hook_name\": \"blocks.1.attn.hook_z\"}");
    assertThatThrownBy(() -> SaeShape.of(dir.toString()))
        .hasMessageContaining("blocks.1.attn.hook_z")
        .hasMessageContaining("hook_resid_pre");
    assertThatThrownBy(() -> SaeShape.of(dir.resolve("none").toString()))
        .hasMessageContaining("no such directory");
  }

  @Test
  void aSelectionIsCutIntoContiguousRangesAndBlocks() {
    CapturePlan plan = CapturePlan.of(spec("0-1,3-5", "2-3,7", 0, 512), SHAPE);
    // A range never spans a gap in the selection: layer 2 is not captured.
    assertThat(plan.ranges()).containsExactly(new LayerRange(0, 1), new LayerRange(3, 5));
    assertThat(plan.blocks())
        .contains(new NeuronBlock(3, 2, 2), new NeuronBlock(3, 7, 1))
        .noneMatch(b -> b.layer() == 2)
        .hasSize(5 * 2);
    assertThat(plan.neurons())
        .hasSize(15)
        .contains(new NeuronId(5, 7))
        .doesNotContain(new NeuronId(2, 2), new NeuronId(0, 4));
    assertThat(CapturePlan.of(spec("2", null, 1, 512), SHAPE).ranges())
        .containsExactly(new LayerRange(2, 2));
  }

  @Test
  void aLayerOrNeuronTheModelLacksIsRefusedByName() {
    assertThatThrownBy(() -> CapturePlan.of(spec("4-7", null, 0, 0), SHAPE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 6 does not exist")
        .hasMessageContaining("layers 0..5");
    assertThatThrownBy(() -> CapturePlan.of(spec(null, "9-10", 0, 0), SHAPE))
        .hasMessageContaining("neuron 10 does not exist");
  }

  @Test
  void twoPassQuantilesAreRefusedWithTheReason() {
    CaptureRun twoPass =
        CaptureRun.of("m", List.of("c.txt"))
            .withShards(3)
            .withQuantileKeys(100)
            .withQuantiles(CaptureRun.TWO_PASS);
    RunSpec spec =
        new RunSpec("r", null, null, null, null, null, null, null, 0).withCapture(twoPass);
    assertThatThrownBy(() -> CapturePlan.of(spec, SHAPE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two-pass is not supported by pipeline runs")
        .hasMessageContaining("use the capture command");
  }

  @Test
  void theShapeComesFromConfigJsonOrAKnownHubId(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"n_layer\": 4, \"n_embd\": 64}");
    assertThat(ModelShape.of(dir.toString())).isEqualTo(new ModelShape(4, 256, 64));
    Files.writeString(
        dir.resolve("config.json"), "{\"n_layer\": 2, \"n_embd\": 64, \"n_inner\": 100}");
    assertThat(ModelShape.of(dir.toString())).isEqualTo(new ModelShape(2, 100, 64));
    assertThat(ModelShape.of("openai-community/gpt2-xl")).isEqualTo(new ModelShape(48, 6400, 1600));
    assertThat(ModelShape.of("gpt2@main")).isEqualTo(new ModelShape(12, 3072, 768));
    assertThatThrownBy(() -> ModelShape.of(dir.resolve("missing").toString()))
        .hasMessageContaining("no such directory");
    Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64}");
    assertThatThrownBy(() -> ModelShape.of(dir.toString()))
        .hasMessageContaining("not a GPT-2 config");
  }
}
