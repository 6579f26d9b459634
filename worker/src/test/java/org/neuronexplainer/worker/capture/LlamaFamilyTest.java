package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.neuronexplainer.worker.capture.RandomLlamaCheckpoint.Variant;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorDtype;

/**
 * The Llama-family forward pass on random checkpoints of each shape it distinguishes, against the
 * float64 {@link LlamaReference}: every hook and the logits, per element within 1e-4 of
 * max(|expected|, 1) (float32 rounding through two layers is about 1e-6 here).
 */
class LlamaFamilyTest {
  private static final int VOCAB = 512;
  private static final int TOKENS = 20;
  private static final double TOLERANCE = 1e-4;

  static Stream<Arguments> checkpoints() {
    return Stream.of(
        Arguments.of(Variant.LLAMA, TensorDtype.F32, 1),
        Arguments.of(Variant.LLAMA_TIED, TensorDtype.F32, 1),
        Arguments.of(Variant.LLAMA3, TensorDtype.F32, 1),
        // A window of 8 keys on 20 tokens: the later queries see only part of their past.
        Arguments.of(Variant.MISTRAL, TensorDtype.F32, 1),
        Arguments.of(Variant.QWEN2, TensorDtype.F32, 1),
        Arguments.of(Variant.LLAMA, TensorDtype.F16, 1),
        Arguments.of(Variant.QWEN2, TensorDtype.BF16, 1),
        Arguments.of(Variant.LLAMA, TensorDtype.F32, 3));
  }

  @ParameterizedTest(name = "{0} {1} in {2} file(s)")
  @MethodSource("checkpoints")
  void everyHookAndTheLogitsMatchTheFloat64Reference(
      Variant variant, TensorDtype dtype, int shards, @TempDir Path dir) {
    checkpoint(variant, dtype, shards).write(dir, Fixtures.hfGpt2Reference());
    int[][] ids = randomIds(2, 7);
    List<Hook> hooks = new ArrayList<>();
    for (int l = 0; l < 2; l++) {
      for (Hook.Kind kind : Hook.Kind.values()) {
        hooks.add(new Hook(kind, l));
      }
    }
    ForwardResult result;
    try (SubjectModel model = SubjectModel.load(dir, ComputeOptions.cpu())) {
      assertThat(model).isInstanceOf(LlamaModel.class);
      result = model.forward(ids, new ForwardRequest(hooks, true), new ActivationBuffers());
    }
    LlamaReference reference = new LlamaReference(dir);
    for (int s = 0; s < ids.length; s++) {
      LlamaReference.Result expected = reference.run(ids[s]);
      for (int l = 0; l < 2; l++) {
        LlamaReference.Layer layer = expected.layers().get(l);
        check(result, new Hook(Hook.Kind.RESID_PRE, l), s, layer.residPre());
        check(result, Hook.mlpNeurons(l), s, layer.neurons());
        check(result, new Hook(Hook.Kind.MLP_OUT, l), s, layer.mlpOut());
        check(result, new Hook(Hook.Kind.RESID_POST, l), s, layer.residPost());
      }
      assertThat(error(result.logits().orElseThrow(), s, expected.logits()))
          .as("logits of sequence %d", s)
          .isLessThan(TOLERANCE);
    }
  }

  @Test
  void theReferenceAgreesWithHuggingFace() {
    Path dir = Fixtures.hfLlamaReference();
    try (SafetensorsFile hf =
        SafetensorsFile.open(dir.resolve("reference-activations.safetensors"))) {
      int[][] ids = LlamaModelReferenceTest.inputIds(hf);
      FloatTensor logits = LlamaModelReferenceTest.tensor(hf, "logits");
      FloatTensor neurons = LlamaModelReferenceTest.tensor(hf, "mlp_neurons.1");
      LlamaReference reference = new LlamaReference(dir);
      for (int s = 0; s < ids.length; s++) {
        LlamaReference.Result expected = reference.run(ids[s]);
        assertThat(error(logits, s, expected.logits())).isLessThan(TOLERANCE);
        assertThat(error(neurons, s, expected.layers().get(1).neurons())).isLessThan(TOLERANCE);
      }
    }
  }

  @Test
  void aSlidingWindowChangesWhatLaterTokensSee(@TempDir Path dir) {
    // Guards the Mistral case above against a window that never binds.
    checkpoint(Variant.MISTRAL, TensorDtype.F32, 1).write(dir, Fixtures.hfGpt2Reference());
    LlamaConfig config = LlamaConfig.read(dir.resolve("config.json"));
    assertThat(config.slidingWindow()).isPositive().isLessThan(TOKENS);
    int[] ids = randomIds(1, 3)[0];
    int[] changedStart = ids.clone();
    changedStart[0] = (ids[0] + 1) % VOCAB;
    try (SubjectModel model = SubjectModel.load(dir, ComputeOptions.cpu())) {
      FloatTensor a = model.forward(new int[][] {ids}, new int[] {1}, false).layer(1);
      FloatTensor b = model.forward(new int[][] {changedStart}, new int[] {1}, false).layer(1);
      int f = a.dim(2);
      int last = TOKENS - 1;
      // Two layers of a window of w reach back 2(w - 1) tokens: the last token never sees token 0.
      assertThat(2 * (config.slidingWindow() - 1)).isLessThan(last);
      for (int n = 0; n < f; n++) {
        assertThat(a.get(0, last, n)).isEqualTo(b.get(0, last, n));
      }
      assertThat(a.get(0, 1, 0)).isNotEqualTo(b.get(0, 1, 0));
    }
  }

  @Test
  void float16ComputeStaysNearFloat32(@TempDir Path dir) {
    checkpoint(Variant.LLAMA, TensorDtype.F16, 1).write(dir, Fixtures.hfGpt2Reference());
    int[][] ids = randomIds(2, 11);
    try (SubjectModel full = SubjectModel.load(dir, ComputeOptions.cpu());
        SubjectModel half = SubjectModel.load(dir, new ComputeOptions("cpu", Precision.FLOAT16))) {
      assertThat(half.describeCompute()).isEqualTo("cpu float16");
      FloatTensor expected = full.forward(ids, new int[] {1}, true).layer(1);
      ForwardResult halfResult = half.forward(ids, new int[] {1}, true);
      assertThat(halfResult.layer(1).maxAbsDiff(expected)).isGreaterThan(0).isLessThan(0.05);
      assertThat(halfResult.logits().orElseThrow().data()).doesNotContain(Float.NaN);
    }
  }

  @Test
  void theTokenizerIsCopiedBeside(@TempDir Path dir) {
    checkpoint(Variant.QWEN2, TensorDtype.F32, 2).write(dir, Fixtures.hfGpt2Reference());
    assertThat(dir.resolve("vocab.json")).exists();
    assertThat(dir.resolve("merges.txt")).exists();
    assertThat(Files.exists(dir.resolve("model.safetensors.index.json"))).isTrue();
  }

  static RandomLlamaCheckpoint checkpoint(Variant variant, TensorDtype dtype, int shards) {
    return new RandomLlamaCheckpoint(
        variant,
        /* layers= */ 2,
        /* hiddenSize= */ 32,
        /* intermediateSize= */ 48,
        /* heads= */ 4,
        /* kvHeads= */ 2,
        VOCAB,
        /* positions= */ 64,
        /* std= */ 0.2,
        /* seed= */ 5,
        dtype,
        shards);
  }

  private static int[][] randomIds(int sequences, long seed) {
    Random random = new Random(seed);
    int[][] ids = new int[sequences][TOKENS];
    for (int[] row : ids) {
      for (int t = 0; t < TOKENS; t++) {
        row[t] = random.nextInt(VOCAB);
      }
    }
    return ids;
  }

  private static void check(ForwardResult result, Hook hook, int sequence, double[][] expected) {
    assertThat(error(result.activations().get(hook), sequence, expected))
        .as("%s of sequence %d", hook, sequence)
        .isLessThan(TOLERANCE);
  }

  /**
   * The worst |a - b| / max(|b|, 1) over one sequence of a {@code [batch, tokens, width]} tensor.
   */
  static double error(FloatTensor actual, int sequence, double[][] expected) {
    assertThat(actual.dim(1)).isEqualTo(expected.length);
    assertThat(actual.dim(2)).isEqualTo(expected[0].length);
    double worst = 0;
    for (int t = 0; t < expected.length; t++) {
      for (int c = 0; c < expected[t].length; c++) {
        double b = expected[t][c];
        worst =
            Math.max(worst, Math.abs(actual.get(sequence, t, c) - b) / Math.max(Math.abs(b), 1));
      }
    }
    return worst;
  }
}
