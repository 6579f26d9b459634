package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;

/**
 * The residual-stream and MLP-output hooks that SAEs read, checked in float64 from the checkpoint's
 * own weights: the embeddings, the MLP's projection, the blocks' chaining, and the head.
 */
class Gpt2HooksTest {
  private static final double TOLERANCE = 1e-4;

  private static Gpt2Model model;
  private static SafetensorsFile weights;
  private static final int[][] IDS = {{5, 17, 300, 2, 511, 64, 9, 100}, {0, 1, 2, 3, 4, 5, 6, 7}};

  @BeforeAll
  static void load() {
    Path dir = Fixtures.hfGpt2Reference();
    model = Gpt2Model.load(dir, ComputeOptions.cpu());
    weights = SafetensorsFile.open(dir.resolve("model.safetensors"));
  }

  @AfterAll
  static void close() {
    model.close();
    weights.close();
  }

  @Test
  void everyHookIsWhatTheWeightsSayItIs() {
    List<Hook> hooks =
        List.of(
            hook("blocks.0.hook_resid_pre"),
            hook("blocks.0.hook_resid_post"),
            hook("blocks.1.hook_resid_pre"),
            hook("blocks.1.hook_resid_post"),
            hook("blocks.0.hook_mlp_out"),
            hook("blocks.1.hook_mlp_out"),
            Hook.mlpNeurons(0),
            Hook.mlpNeurons(1));
    ForwardResult result =
        model.forward(IDS, new ForwardRequest(hooks, true), new ActivationBuffers());
    int d = model.config().hiddenSize();
    int tokens = IDS[0].length;

    float[] wte = weights.floats("transformer.wte.weight");
    float[] wpe = weights.floats("transformer.wpe.weight");
    float[] embedded = result.hook(hook("blocks.0.hook_resid_pre")).data();
    double worst = 0;
    for (int b = 0; b < IDS.length; b++) {
      for (int t = 0; t < tokens; t++) {
        for (int i = 0; i < d; i++) {
          double expected = (double) wte[IDS[b][t] * d + i] + wpe[t * d + i];
          worst = Math.max(worst, Math.abs(embedded[(b * tokens + t) * d + i] - expected));
        }
      }
    }
    assertThat(worst).as("resid_pre(0) = wte[ids] + wpe").isLessThan(TOLERANCE);

    assertThat(
            result
                .hook(hook("blocks.0.hook_resid_post"))
                .maxAbsDiff(result.hook(hook("blocks.1.hook_resid_pre"))))
        .as("resid_post(0) = resid_pre(1)")
        .isZero();

    for (int layer = 0; layer < 2; layer++) {
      float[] proj = weights.floats("transformer.h." + layer + ".mlp.c_proj.weight");
      float[] bias = weights.floats("transformer.h." + layer + ".mlp.c_proj.bias");
      FloatTensor neurons = result.layer(layer);
      int width = neurons.dim(2);
      float[] out = result.hook(hook("blocks." + layer + ".hook_mlp_out")).data();
      worst = 0;
      for (int row = 0; row < IDS.length * tokens; row++) {
        for (int i = 0; i < d; i++) {
          double sum = bias[i];
          for (int n = 0; n < width; n++) {
            sum += (double) neurons.data()[row * width + n] * proj[n * d + i];
          }
          worst = Math.max(worst, Math.abs(out[row * d + i] - sum));
        }
      }
      assertThat(worst)
          .as("mlp_out(%d) = mlp_neurons(%d) c_proj + bias", layer, layer)
          .isLessThan(TOLERANCE);
    }

    float[] last = result.hook(hook("blocks.1.hook_resid_post")).data();
    float[] gain = weights.floats("transformer.ln_f.weight");
    float[] shift = weights.floats("transformer.ln_f.bias");
    FloatTensor logits = result.logits().orElseThrow();
    int vocab = logits.dim(2);
    worst = 0;
    for (int row = 0; row < IDS.length * tokens; row++) {
      double mean = 0;
      for (int i = 0; i < d; i++) {
        mean += last[row * d + i];
      }
      mean /= d;
      double variance = 0;
      for (int i = 0; i < d; i++) {
        variance += Math.pow(last[row * d + i] - mean, 2);
      }
      variance /= d;
      double[] normed = new double[d];
      for (int i = 0; i < d; i++) {
        normed[i] = (last[row * d + i] - mean) / Math.sqrt(variance + 1e-5) * gain[i] + shift[i];
      }
      for (int v = 0; v < vocab; v++) {
        double sum = 0;
        for (int i = 0; i < d; i++) {
          sum += normed[i] * wte[v * d + i];
        }
        worst = Math.max(worst, Math.abs(logits.data()[row * vocab + v] - sum));
      }
    }
    assertThat(worst).as("logits = ln_f(resid_post(last)) wte^T").isLessThan(TOLERANCE);
  }

  private static Hook hook(String name) {
    return Hook.parse(name);
  }
}
