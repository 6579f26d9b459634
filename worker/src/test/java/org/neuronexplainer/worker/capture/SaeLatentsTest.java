package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * SAE latents from a forward pass of the tiny GPT-2, against the float64 encoder of {@link
 * SaeFixture} applied to the hook activations the same pass returned.
 */
class SaeLatentsTest {
  private static final double TOLERANCE = 1e-4;
  // Closer than this to a keep-or-zero boundary, float32 rounding may decide either way.
  private static final double BORDER = 1e-4;

  private static Gpt2Model model;
  private static int[][] ids;
  private static SubjectModel llama;
  private static int[][] llamaIds;

  @TempDir static Path temp;

  @BeforeAll
  static void load() {
    Path dir = Fixtures.hfGpt2Reference();
    model = Gpt2Model.load(dir, ComputeOptions.cpu());
    ids = inputIds(dir);
    llama = SubjectModel.load(Fixtures.hfLlamaReference(), ComputeOptions.cpu());
    llamaIds = inputIds(Fixtures.hfLlamaReference());
  }

  /** The reference's {@code input_ids}. */
  private static int[][] inputIds(Path dir) {
    try (SafetensorsFile reference =
        SafetensorsFile.open(dir.resolve("reference-activations.safetensors"))) {
      TensorEntry entry = reference.entry("input_ids").orElseThrow();
      long[] flat = reference.longs("input_ids");
      int cols = (int) entry.shape()[1];
      int[][] read = new int[(int) entry.shape()[0]][cols];
      for (int i = 0; i < flat.length; i++) {
        read[i / cols][i % cols] = Math.toIntExact(flat[i]);
      }
      return read;
    }
  }

  @AfterAll
  static void close() {
    model.close();
    llama.close();
  }

  @ParameterizedTest(name = "Llama: {0} at {1}")
  @CsvSource({
    "standard, blocks.1.hook_resid_pre",
    "jumprelu, blocks.0.hook_mlp_out",
    "topk, blocks.1.hook_resid_post"
  })
  void aLlamaModelsLatentsAreTheEncoderAppliedToItsHookActivations(
      String architecture, String hookName) {
    SaeFixture fixture = SaeFixture.random(architecture, hookName, llama.config(), 48, 9);
    Sae sae =
        llama.loadSae(
            SaeFiles.open(
                "llama-" + architecture,
                fixture.write(temp.resolve("llama-" + architecture + hookName))));
    Hook hook = Hook.parse(hookName);
    ForwardResult result =
        llama.forward(
            llamaIds,
            new ForwardRequest(List.of(hook), List.of(sae), false),
            new ActivationBuffers());
    assertThat(result.latents(sae.name()).shape())
        .containsExactly(llamaIds.length, llamaIds[0].length, 48);
    assertMatches(fixture, result.hook(hook), result.latents(sae.name()));
  }

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource({
    "standard, blocks.0.hook_resid_pre",
    "standard, blocks.1.hook_resid_post",
    "standard, blocks.1.hook_mlp_out",
    "jumprelu, blocks.1.hook_resid_pre",
    "jumprelu, blocks.0.hook_resid_post",
    "jumprelu, blocks.0.hook_mlp_out",
    "topk, blocks.1.hook_resid_pre",
    "topk, blocks.0.hook_resid_post",
    "topk, blocks.1.hook_mlp_out"
  })
  void latentsAreTheEncoderAppliedToTheHookActivations(String architecture, String hookName) {
    SaeFixture fixture = SaeFixture.random(architecture, hookName, model.config(), 40, 7);
    Sae sae =
        model.loadSae(
            SaeFiles.open(
                "sae-" + architecture, fixture.write(temp.resolve(architecture + hookName))));
    Hook hook = Hook.parse(hookName);

    ForwardResult result =
        model.forward(
            ids, new ForwardRequest(List.of(hook), List.of(sae), false), new ActivationBuffers());

    FloatTensor latents = result.latents(sae.name());
    assertThat(latents.shape()).containsExactly(ids.length, ids[0].length, 40);
    assertMatches(fixture, result.hook(hook), latents);
    assertThat(result.activations()).containsOnlyKeys(hook);
  }

  @Test
  void jumpReluReadsALogThresholdAndTopKAnOlderConfig() {
    SaeFixture jump =
        SaeFixture.random("jumprelu", "blocks.1.hook_resid_pre", model.config(), 24, 3);
    ObjectNode cfg = cfg(jump);
    Sae fromLog =
        model.loadSae(
            SaeFiles.open("log-threshold", jump.write(temp.resolve("log"), cfg, "log_threshold")));

    SaeFixture topk = SaeFixture.random("topk", "blocks.0.hook_resid_post", model.config(), 24, 5);
    ObjectNode old = cfg(topk);
    old.put("architecture", "standard");
    old.remove("k");
    old.put("activation_fn_str", "topk");
    old.putObject("activation_fn_kwargs").put("k", topk.k());
    Sae older =
        model.loadSae(SaeFiles.open("old-topk", topk.write(temp.resolve("old"), old, "threshold")));
    assertThat(older.config().architecture()).isEqualTo(SaeConfig.Architecture.TOPK);

    Hook pre1 = Hook.parse("blocks.1.hook_resid_pre");
    Hook post0 = Hook.parse("blocks.0.hook_resid_post");
    ForwardResult result =
        model.forward(
            ids,
            new ForwardRequest(List.of(pre1, post0), List.of(fromLog, older), false),
            new ActivationBuffers());
    assertMatches(jump, result.hook(pre1), result.latents("log-threshold"));
    assertMatches(topk, result.hook(post0), result.latents("old-topk"));
  }

  @Test
  void latentsComeWithoutTheHookActivationsUnlessAskedForAndTwoSaesShareAHook() {
    SaeFixture a = SaeFixture.random("standard", "blocks.0.hook_mlp_out", model.config(), 16, 11);
    SaeFixture b = SaeFixture.random("topk", "blocks.0.hook_mlp_out", model.config(), 32, 12);
    Sae first = model.loadSae(SaeFiles.open("a", a.write(temp.resolve("a"))));
    Sae second = model.loadSae(SaeFiles.open("b", b.write(temp.resolve("b"))));

    ForwardResult result =
        model.forward(ids, ForwardRequest.latents(List.of(first, second)), new ActivationBuffers());

    assertThat(result.activations()).isEmpty();
    assertThat(result.latents()).containsOnlyKeys("a", "b");
    FloatTensor mlpOut =
        model
            .forward(
                ids,
                new ForwardRequest(List.of(Hook.parse("blocks.0.hook_mlp_out")), false),
                new ActivationBuffers())
            .hook(Hook.parse("blocks.0.hook_mlp_out"));
    assertMatches(a, mlpOut, result.latents("a"));
    assertMatches(b, mlpOut, result.latents("b"));
    assertThat(model.loadSae(SaeFiles.open("a", temp.resolve("a")))).isSameAs(first);
  }

  @Test
  void unloadedSaesFreeTheirWeightsAndTheirHandlesAreRefused() {
    Sae kept =
        model.loadSae(
            SaeFiles.open(
                "kept",
                SaeFixture.random("standard", "blocks.0.hook_resid_post", model.config(), 8, 1)
                    .write(temp.resolve("kept"))));
    Sae dropped =
        model.loadSae(
            SaeFiles.open(
                "dropped",
                SaeFixture.random("standard", "blocks.1.hook_resid_post", model.config(), 8, 2)
                    .write(temp.resolve("dropped"))));
    assertThat(model.unloadSaesExcept(Set.of("kept"))).isGreaterThanOrEqualTo(1);
    assertThat(model.forward(ids, ForwardRequest.latents(List.of(kept))).latents("kept").shape())
        .containsExactly(ids.length, ids[0].length, 8);
    assertThatThrownBy(() -> model.forward(ids, ForwardRequest.latents(List.of(dropped))))
        .hasMessageContaining("dropped")
        .hasMessageContaining("not loaded");
    model.unloadSaesExcept(Set.of());
  }

  @Test
  void anSaeThatDoesNotFitTheModelIsRefusedByNameBeforeItsWeightsAreRead() {
    SubjectConfig config = model.config();
    SaeFixture wide =
        new SaeFixture(
            "standard",
            "blocks.0.hook_resid_pre",
            64,
            8,
            0,
            true,
            new float[64][8],
            new float[8],
            new float[8][64],
            new float[64],
            null);
    Path wideDir = wide.write(temp.resolve("wide"));
    assertThatThrownBy(() -> model.loadSae(SaeFiles.open("wide", wideDir)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("SAE wide reads blocks.0.hook_resid_pre with d_in 64")
        .hasMessageContaining("is " + config.hiddenSize() + " wide");

    SaeFixture deep = SaeFixture.random("standard", "blocks.5.hook_resid_pre", config, 8, 1);
    Path deepDir = deep.write(temp.resolve("deep"));
    assertThatThrownBy(() -> model.loadSae(SaeFiles.open("deep", deepDir)))
        .hasMessageContaining("SAE deep reads blocks.5.hook_resid_pre")
        .hasMessageContaining("has layers 0..1");
  }

  @Test
  void missingFilesTensorsAndUnsupportedSettingsAreNamed() {
    SaeFixture jump =
        SaeFixture.random("jumprelu", "blocks.0.hook_resid_pre", model.config(), 8, 1);
    Path noThreshold =
        new SaeFixture(
                "jumprelu",
                jump.hook(),
                jump.dIn(),
                8,
                0,
                true,
                jump.wEnc(),
                jump.bEnc(),
                jump.wDec(),
                jump.bDec(),
                null)
            .write(temp.resolve("no-threshold"));
    assertThatThrownBy(() -> model.loadSae(SaeFiles.open("nt", noThreshold)))
        .hasMessageContaining("SAE nt")
        .hasMessageContaining("missing tensor threshold");

    assertThatThrownBy(() -> SaeFiles.open("x", temp.resolve("nowhere")))
        .hasMessageContaining("SAE x: no directory");
    ObjectNode normalized = cfg(jump);
    normalized.put("normalize_activations", "expected_average_only_in");
    Path n = jump.write(temp.resolve("norm"), normalized, "threshold");
    assertThatThrownBy(() -> SaeFiles.open("n", n))
        .hasMessageContaining("normalize_activations expected_average_only_in is not supported");
    ObjectNode gated = cfg(jump);
    gated.put("architecture", "gated");
    Path g = jump.write(temp.resolve("gated"), gated, "threshold");
    assertThatThrownBy(() -> SaeFiles.open("g", g))
        .hasMessageContaining("SAE architecture gated is not supported");
    ObjectNode perHead = cfg(jump);
    perHead.put("hook_head_index", 2);
    Path h = jump.write(temp.resolve("head"), perHead, "threshold");
    assertThatThrownBy(() -> SaeFiles.open("h", h)).hasMessageContaining("hook_head_index 2");
    ObjectNode attn = cfg(jump);
    attn.put("hook_name", "blocks.0.attn.hook_z");
    Path z = jump.write(temp.resolve("z"), attn, "threshold");
    assertThatThrownBy(() -> SaeFiles.open("z", z)).hasMessageContaining("blocks.0.attn.hook_z");
    ObjectNode shapes = cfg(jump);
    shapes.put("d_sae", 9);
    Path s = jump.write(temp.resolve("shapes"), shapes, "threshold");
    assertThatThrownBy(() -> model.loadSae(SaeFiles.open("s", s)))
        .hasMessageContaining("tensor W_enc has shape [48, 8], expected [48, 9]");
    assertThatThrownBy(() -> SaeFiles.open("no-cfg", temp.resolve("no-threshold").getParent()))
        .hasMessageContaining("cfg.json");
  }

  private static ObjectNode cfg(SaeFixture sae) {
    ObjectNode cfg = new ObjectMapper().createObjectNode();
    cfg.put("architecture", sae.architecture());
    cfg.put("d_in", sae.dIn());
    cfg.put("d_sae", sae.dSae());
    cfg.put("hook_name", sae.hook());
    cfg.put("apply_b_dec_to_input", true);
    if (sae.k() > 0) {
      cfg.put("k", sae.k());
    }
    return cfg;
  }

  private static void assertMatches(
      SaeFixture fixture, FloatTensor activations, FloatTensor latents) {
    double[] margins = new double[latents.data().length];
    double[] expected = fixture.encode(activations, margins);
    int active = 0;
    int borderline = 0;
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(latents.data()[i] - expected[i]);
      if (margins[i] < BORDER) {
        borderline++;
        continue;
      }
      assertThat(diff)
          .as("latent value %d of %d", i, expected.length)
          .isLessThan(TOLERANCE * Math.max(1, Math.abs(expected[i])));
      active += expected[i] > 0 ? 1 : 0;
    }
    assertThat(borderline)
        .as("values too close to a boundary to check")
        .isLessThan(expected.length / 100 + 1);
    assertThat(active).as("active latents").isGreaterThan(expected.length / 20);
    assertThat(active).as("inactive latents").isLessThan(expected.length);
  }
}
